// Allocate responses for every device-list strategy combination, compared
// field by field with NVIDIA's table (reference §6).
#include "allocation/allocator.h"

#include <ostream>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::allocation {

void PrintTo(const Mount& m, std::ostream* os) {
  *os << "{" << m.container_path << " <- " << m.host_path << (m.read_only ? " ro" : "") << "}";
}
void PrintTo(const DeviceSpec& s, std::ostream* os) {
  *os << "{" << s.container_path << " <- " << s.host_path << " " << s.permissions << "}";
}

namespace {

using ::gpulet::testing::StatusIs;
using ::gpulet::resources::Device;
using ::gpulet::resources::DeviceId;
using ::gpulet::resources::ResourceName;
using ::gpulet::resources::ResourceSet;
using ::gpulet::resources::SharingStrategy;
using ::testing::HasSubstr;

constexpr char kGpu0[] = "GPU-a84bba07-931d-b925-306a-0799dc6ebd71";
constexpr char kGpu1[] = "GPU-0acb3dea-1351-9a60-a077-bbd142880e84";
constexpr char kMig[] = "MIG-3464849a-845d-1f7c-3a05-79f09222a2be";
constexpr char kDevRoot[] = "/run/nvidia/driver";
constexpr char kCdiGpu[] = "k8s.device-plugin.nvidia.com/gpu=";
constexpr char kDir[] = "/var/run/nvidia-container-devices";

inventory::DeviceNodeRef Node(const std::string& name, bool found = true) {
  inventory::DeviceNodeRef ref{name, std::nullopt};
  if (found) {
    ref.node = hostfs::DeviceNode{name, std::string(kDevRoot) + "/dev/" + name,
                                  "/dev/" + name, {}};
  }
  return ref;
}

Device Gpu(const char* uuid, unsigned int index, std::optional<int> replica = {}) {
  Device d;
  d.id = replica ? DeviceId(uuid, *replica) : DeviceId(uuid);
  d.index = std::to_string(index);
  d.gpu_index = index;
  d.gpu_uuid = uuid;
  d.device_nodes = {Node("nvidia" + std::to_string(index))};
  d.replicas = replica ? 2 : 1;
  return d;
}

std::vector<hostfs::DeviceNode> ControlNodes() {
  std::vector<hostfs::DeviceNode> nodes;
  // The inventory's order (nvidia-ctk's); device specs use NVIDIA's.
  for (const char* name : {"nvidia-modeset", "nvidia-uvm-tools", "nvidia-uvm", "nvidiactl"}) {
    nodes.push_back(*Node(name).node);
  }
  return nodes;
}

std::shared_ptr<const ResourceSet> Gpus() {
  return std::make_shared<const ResourceSet>(
      ResourceName::Gpu(), std::vector<Device>{Gpu(kGpu0, 0), Gpu(kGpu1, 1)},
      SharingStrategy::kNone, false);
}

AllocateOptions Options(std::vector<std::string> strategies) {
  AllocateOptions options;
  options.list_strategies = *DeviceListStrategies::Parse(strategies);
  options.roots = *hostfs::DriverRoots::Create(kDevRoot, kDevRoot);
  return options;
}

ContainerAllocation AllocateOrDie(std::shared_ptr<const ResourceSet> set,
                                  AllocateOptions options,
                                  std::vector<std::string> ids) {
  Allocator allocator(std::move(set), std::move(options), ControlNodes(),
                      [] { return std::string("0d2b4c1e-fixed"); });
  absl::StatusOr<ContainerAllocation> got = allocator.Allocate(ids);
  EXPECT_OK(got);
  return got.ok() ? *got : ContainerAllocation{};
}

void ExpectSame(const ContainerAllocation& got, const ContainerAllocation& want) {
  EXPECT_EQ(got.envs, want.envs);
  EXPECT_EQ(got.mounts, want.mounts);
  EXPECT_EQ(got.device_specs, want.device_specs);
  EXPECT_EQ(got.annotations, want.annotations);
  EXPECT_EQ(got.cdi_devices, want.cdi_devices);
}

DeviceSpec Spec(const std::string& name) {
  return {"/dev/" + name, std::string(kDevRoot) + "/dev/" + name, "rw"};
}

std::vector<DeviceSpec> ControlSpecs() {
  return {Spec("nvidiactl"), Spec("nvidia-uvm"), Spec("nvidia-uvm-tools"),
          Spec("nvidia-modeset")};
}

struct Case {
  std::string name;
  std::vector<std::string> strategies;
  std::function<void(AllocateOptions&)> tweak;
  ContainerAllocation want;
};

using Envs = std::map<std::string, std::string>;
using Names = std::vector<std::string>;

ContainerAllocation Want(Envs envs, std::vector<Mount> mounts = {},
                         std::vector<DeviceSpec> specs = {}, Envs annotations = {},
                         Names cdi_devices = {}) {
  ContainerAllocation want;
  want.envs = std::move(envs);
  want.mounts = std::move(mounts);
  want.device_specs = std::move(specs);
  want.annotations = std::move(annotations);
  want.cdi_devices = std::move(cdi_devices);
  return want;
}

std::vector<Case> Cases() {
  const std::string both = std::string(kGpu0) + "," + kGpu1;
  const std::string cdi = std::string(kCdiGpu) + kGpu0 + "," + kCdiGpu + kGpu1;
  const Names cdi_names = {std::string(kCdiGpu) + kGpu0, std::string(kCdiGpu) + kGpu1};
  const Envs annotation = {{"cdi.k8s.io/nvidia-device-plugin_0d2b4c1e-fixed", cdi}};
  const Envs visible = {{"NVIDIA_VISIBLE_DEVICES", both}};
  const Envs dir = {{"NVIDIA_VISIBLE_DEVICES", kDir}};
  auto none = [](AllocateOptions&) {};
  auto index = [](AllocateOptions& o) { o.id_strategy = DeviceIdStrategy::kIndex; };
  auto specs_on = [](AllocateOptions& o) { o.pass_device_specs = true; };
  const std::vector<Mount> mounts = {
      {std::string(kDir) + "/" + kGpu0, "/dev/null", false},
      {std::string(kDir) + "/" + kGpu1, "/dev/null", false}};
  std::vector<DeviceSpec> specs = ControlSpecs();
  specs.push_back(Spec("nvidia0"));
  specs.push_back(Spec("nvidia1"));
  return {
      {"envvar", {"envvar"}, none, Want(visible)},
      {"envvar-index", {"envvar"}, index, Want({{"NVIDIA_VISIBLE_DEVICES", "0,1"}})},
      {"volume-mounts", {"volume-mounts"}, none, Want(dir, mounts)},
      {"envvar+volume-mounts", {"envvar,volume-mounts"}, none, Want(dir, mounts)},
      {"cdi-annotations", {"cdi-annotations"}, none, Want({}, {}, {}, annotation)},
      {"cdi-annotations-prefix", {"cdi-annotations"},
       [](AllocateOptions& o) { o.cdi_annotation_prefix = "nvidia.cdi.k8s.io/"; },
       Want({}, {}, {}, {{"nvidia.cdi.k8s.io/nvidia-device-plugin_0d2b4c1e-fixed", cdi}})},
      {"cdi-cri", {"cdi-cri"}, none, Want({}, {}, {}, {}, cdi_names)},
      {"cdi-cri-index", {"cdi-cri"}, index,
       Want({}, {}, {}, {}, {std::string(kCdiGpu) + "0", std::string(kCdiGpu) + "1"})},
      {"cdi-both+specs", {"cdi-annotations", "cdi-cri"}, specs_on,
       Want({}, {}, {}, annotation, cdi_names)},
      {"envvar+cdi-cri", {"envvar", "cdi-cri"}, none, Want(visible, {}, {}, {}, cdi_names)},
      {"envvar+specs", {"envvar"}, specs_on, Want(visible, {}, specs)},
      {"volume-mounts+cdi-annotations+specs", {"volume-mounts", "cdi-annotations"},
       specs_on, Want(dir, mounts, specs, annotation)},
  };
}

TEST(AllocatorTest, MatchesNvidiasTableForEveryStrategyCombination) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    AllocateOptions options = Options(c.strategies);
    c.tweak(options);
    ExpectSame(AllocateOrDie(Gpus(), options, {kGpu0, kGpu1}), c.want);
  }
}

TEST(AllocatorTest, GdrcopyGdsMofedAreAddedWithEveryStrategy) {
  for (std::vector<std::string> strategies :
       {std::vector<std::string>{"envvar"}, {"cdi-cri"}}) {
    AllocateOptions options = Options(strategies);
    options.gdrcopy_enabled = options.gds_enabled = options.mofed_enabled = true;
    ContainerAllocation got = AllocateOrDie(Gpus(), options, {kGpu1});
    EXPECT_EQ(got.envs["NVIDIA_GDRCOPY"], "enabled");
    EXPECT_EQ(got.envs["NVIDIA_GDS"], "enabled");
    EXPECT_EQ(got.envs["NVIDIA_MOFED"], "enabled");
    if (strategies[0] == "cdi-cri") {
      EXPECT_EQ(got.cdi_devices,
                (std::vector<std::string>{std::string(kCdiGpu) + kGpu1,
                                          "k8s.device-plugin.nvidia.com/gdrcopy=all",
                                          "k8s.device-plugin.nvidia.com/gds=all",
                                          "k8s.device-plugin.nvidia.com/mofed=all"}));
      EXPECT_EQ(got.envs.count("NVIDIA_VISIBLE_DEVICES"), 0u);
    }
  }
}

TEST(AllocatorTest, ImexChannelInEveryForm) {
  AllocateOptions options = Options({"envvar", "volume-mounts", "cdi-cri"});
  options.imex_channel_ids = {0};
  options.pass_device_specs = true;
  ContainerAllocation got = AllocateOrDie(Gpus(), options, {kGpu0});
  EXPECT_EQ(got.envs["NVIDIA_IMEX_CHANNELS"], "0");
  EXPECT_EQ(got.mounts.back(), (Mount{std::string(kDir) + "/imex/0", "/dev/null", false}));
  EXPECT_EQ(got.device_specs.back(), Spec("nvidia-caps-imex-channels/channel0"));
  EXPECT_EQ(got.cdi_devices.back(), "k8s.device-plugin.nvidia.com/imex-channel=0");
}

TEST(AllocatorTest, ReplicasOfOneGpuGiveOneRuntimeIdAndNoDuplicateSpecs) {
  auto set = std::make_shared<const ResourceSet>(
      ResourceName::Gpu(),
      std::vector<Device>{Gpu(kGpu0, 0, 0), Gpu(kGpu0, 0, 1), Gpu(kGpu1, 1, 0)},
      SharingStrategy::kTimeSlicing, false);
  AllocateOptions options = Options({"envvar"});
  options.pass_device_specs = true;
  ContainerAllocation got = AllocateOrDie(
      set, options, {std::string(kGpu0) + "::1", std::string(kGpu0) + "::0"});
  EXPECT_EQ(got.envs["NVIDIA_VISIBLE_DEVICES"], kGpu0);
  std::vector<DeviceSpec> specs = ControlSpecs();
  specs.push_back(Spec("nvidia0"));
  EXPECT_EQ(got.device_specs, specs);
}

TEST(AllocatorTest, MigDeviceSpecsAndIndexIds) {
  Device mig = Gpu(kMig, 2);
  mig.index = "2:0";
  mig.mig_profile = *resources::MigProfile::Parse("1g.5gb");
  mig.device_nodes = {Node("nvidia2"), Node("nvidia-caps/nvidia-cap10"),
                      Node("nvidia-caps/nvidia-cap11", /*found=*/false)};
  auto set = std::make_shared<const ResourceSet>(
      *ResourceName::Parse("mig-1g.5gb"), std::vector<Device>{mig},
      SharingStrategy::kNone, false);
  AllocateOptions options = Options({"envvar", "cdi-cri"});
  options.pass_device_specs = true;
  options.id_strategy = DeviceIdStrategy::kIndex;
  ContainerAllocation got = AllocateOrDie(set, options, {kMig});
  EXPECT_EQ(got.envs["NVIDIA_VISIBLE_DEVICES"], "2:0");
  EXPECT_EQ(got.cdi_devices, std::vector<std::string>{std::string(kCdiGpu) + "2:0"});
  std::vector<DeviceSpec> specs = ControlSpecs();
  for (const char* name : {"nvidia2", "nvidia-caps/nvidia-cap10", "nvidia-caps/nvidia-cap11"}) {
    specs.push_back(Spec(name));  // a node not found: formed in the dev root
  }
  EXPECT_EQ(got.device_specs, specs);
}

TEST(AllocatorTest, MpsPipeAndShm) {
  auto set = std::make_shared<const ResourceSet>(
      ResourceName::Gpu(), std::vector<Device>{Gpu(kGpu0, 0, 0), Gpu(kGpu0, 0, 1)},
      SharingStrategy::kMps, true);
  AllocateOptions options = Options({"envvar"});
  options.mps_root = "/run/nvidia/mps";
  ContainerAllocation got = AllocateOrDie(set, options, {std::string(kGpu0) + "::1"});
  EXPECT_EQ(got.envs["CUDA_MPS_PIPE_DIRECTORY"], "/mps/nvidia.com/gpu/pipe");
  EXPECT_EQ(got.mounts,
            (std::vector<Mount>{
                {"/mps/nvidia.com/gpu/pipe", "/run/nvidia/mps/nvidia.com/gpu/pipe", false},
                {"/dev/shm", "/run/nvidia/mps/shm", false}}));
}

TEST(AllocatorTest, BadRequestsAreInvalidArgumentNamingTheIds) {
  auto shared = std::make_shared<const ResourceSet>(
      ResourceName::Gpu(), std::vector<Device>{Gpu(kGpu0, 0, 0), Gpu(kGpu0, 0, 1)},
      SharingStrategy::kTimeSlicing, true);
  Allocator allocator(Gpus(), Options({"envvar"}), {});
  EXPECT_THAT(allocator.Allocate({kGpu0, "GPU-foreign", "MIG-x"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"nvidia.com/gpu\": unknown device: GPU-foreign, MIG-x")));
  EXPECT_THAT(allocator.Allocate({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("no devices requested")));
  EXPECT_THAT(allocator.Allocate({std::string(kGpu0) + "::0"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown device")));
  Allocator shared_allocator(shared, Options({"envvar"}), {});
  EXPECT_THAT(shared_allocator.Allocate({std::string(kGpu0) + "::0", std::string(kGpu0) + "::1"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("maximum request size for shared resources is 1; found 2")));
  EXPECT_OK(shared_allocator.Allocate({std::string(kGpu0) + "::1"}));
}

TEST(AllocatorTest, CdiAnnotationKeysAreUniquePerCall) {
  Allocator allocator(Gpus(), Options({"cdi-annotations"}), {});
  ASSERT_OK_AND_ASSIGN(ContainerAllocation a, allocator.Allocate({kGpu0}));
  ASSERT_OK_AND_ASSIGN(ContainerAllocation b, allocator.Allocate({kGpu0}));
  ASSERT_EQ(a.annotations.size(), 1u);
  EXPECT_TRUE(a.annotations.begin()->first.starts_with("cdi.k8s.io/nvidia-device-plugin_"));
  EXPECT_EQ(a.annotations.begin()->first.size(), std::string("cdi.k8s.io/nvidia-device-plugin_").size() + 36);
  EXPECT_NE(a.annotations.begin()->first, b.annotations.begin()->first);
}

TEST(AllocateOptionsTest, ParsesStrategiesAndRejectsUnknownOnes) {
  ASSERT_OK_AND_ASSIGN(DeviceListStrategies s,
                       DeviceListStrategies::Parse({"volume-mounts, cdi-cri"}));
  EXPECT_FALSE(s.envvar);
  EXPECT_TRUE(s.volume_mounts);
  EXPECT_TRUE(s.cdi_cri);
  EXPECT_FALSE(s.OnlyCdi());
  EXPECT_THAT(DeviceListStrategies::Parse({"envvar", "cdi"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--device-list-strategy: unknown strategy \"cdi\"")));
  EXPECT_THAT(DeviceListStrategies::Parse({""}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no strategy")));
  EXPECT_EQ(*ParseDeviceIdStrategy("index"), DeviceIdStrategy::kIndex);
  EXPECT_THAT(ParseDeviceIdStrategy("serial"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--device-id-strategy")));
}

}  // namespace
}  // namespace gpulet::allocation
