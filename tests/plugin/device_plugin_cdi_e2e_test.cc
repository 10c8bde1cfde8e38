// `gpulet device-plugin` with a CDI device list strategy, end to end: the
// real process on the mock NVML with a fake driver root writes its own CDI
// spec, `gpulet cdi validate` accepts it, Allocate names only devices of it,
// an unchanged node never rewrites it, and a new GPU layout does.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/str_split.h"
#include "cdi/spec_file.h"
#include "fake_driver_root.h"
#include "gpulet_run.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

constexpr char kDriverVersion[] = "550.54.15";  // dgx-h100 and dgx-a100-mig
constexpr char kSpecName[] = "k8s.device-plugin.nvidia.com-gpu.json";


// The qualified device names of the spec at `path`; empty when unreadable.
std::set<std::string> SpecDevices(const std::string& path) {
  absl::StatusOr<cdi::Spec> spec = cdi::LoadSpecFile(path);
  std::set<std::string> names;
  if (!spec.ok()) return names;
  for (const cdi::Device& device : spec->devices) names.insert(spec->kind + "=" + device.name);
  return names;
}

struct FileId {
  ino_t inode = 0;
  timespec mtime{};
  bool operator==(const FileId& o) const {
    return inode == o.inode && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

std::optional<FileId> Identify(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_ino, st.st_mtim};
}

class CdiSpecE2eTest : public DevicePluginE2eTest {
 protected:
  void SetUp() override {
    DevicePluginE2eTest::SetUp();
    spec_dir_ = dir_.Join("cdi");
    ASSERT_EQ(mkdir(spec_dir_.c_str(), 0755), 0);
    spec_path_ = spec_dir_ + "/" + kSpecName;
  }

  void LaunchWithCdi(const std::string& machine, std::vector<std::string> args) {
    std::vector<std::string> all = {"--driver-root", driver_.path(), "--cdi-spec-dir", spec_dir_,
                                    "--rescan-interval", "100ms"};
    all.insert(all.end(), args.begin(), args.end());
    Launch(machine, all);
  }

  bool WaitForSpec(const std::function<bool(const std::set<std::string>&)>& done) const {
    auto deadline = std::chrono::steady_clock::now() + kE2eWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done(SpecDevices(spec_path_))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  FakeDriverRoot driver_{kDriverVersion, 8};
  std::string spec_dir_, spec_path_;
};

std::string Qualified(const std::string& id) { return "k8s.device-plugin.nvidia.com/gpu=" + id; }

TEST_F(CdiSpecE2eTest, CdiCriWritesAValidSpecAndAllocateNamesItsDevices) {
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-cri"});
  ASSERT_TRUE(WaitRegistered());
  std::vector<std::string> uuids = ProfileGpuUuids("dgx-h100");
  std::set<std::string> devices = SpecDevices(spec_path_);
  for (const std::string& uuid : uuids) EXPECT_TRUE(devices.contains(Qualified(uuid))) << uuid;
  EXPECT_TRUE(devices.contains(Qualified("all")));
  struct stat st {};
  ASSERT_EQ(stat(spec_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  GpuletRun validate = RunGpulet("", "cdi validate " + spec_path_);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_NE(validate.out.find(": valid, cdiVersion"), std::string::npos) << validate.out;

  v1beta1::AllocateResponse response;
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{uuids[2], uuids[5]}}, &response).ok());
  ASSERT_EQ(response.container_responses_size(), 1);
  const auto& container = response.container_responses(0);
  ASSERT_EQ(container.cdi_devices_size(), 2);
  for (const v1beta1::CDIDevice& device : container.cdi_devices()) {
    EXPECT_TRUE(devices.contains(device.name())) << device.name();
  }
  EXPECT_EQ(container.cdi_devices(0).name(), Qualified(uuids[2]));
  EXPECT_TRUE(container.envs().empty() || !container.envs().contains("NVIDIA_VISIBLE_DEVICES"));
}

TEST_F(CdiSpecE2eTest, AnnotationsWithIndexIdsAndAPrefixNameDevicesOfTheSpec) {
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-annotations", "--device-id-strategy",
                             "index", "--cdi-annotation-prefix", "cdi.example.com/",
                             "--nvidia-cdi-hook-path", "/opt/hook/nvidia-cdi-hook"});
  ASSERT_TRUE(WaitRegistered());
  std::set<std::string> devices = SpecDevices(spec_path_);
  EXPECT_TRUE(devices.contains(Qualified("7")));
  EXPECT_FALSE(devices.contains(Qualified(ProfileGpuUuids("dgx-h100")[0])));
  std::ifstream spec(spec_path_);
  std::string text((std::istreambuf_iterator<char>(spec)), {});
  EXPECT_NE(text.find("/opt/hook/nvidia-cdi-hook"), std::string::npos);

  v1beta1::AllocateResponse response;
  std::string gpu3 = ProfileGpuUuids("dgx-h100")[3];
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{gpu3}}, &response).ok());
  const auto& annotations = response.container_responses(0).annotations();
  ASSERT_EQ(annotations.size(), 1u);
  EXPECT_EQ(annotations.begin()->first.rfind("cdi.example.com/nvidia-device-plugin_", 0), 0u)
      << annotations.begin()->first;
  for (absl::string_view name : absl::StrSplit(annotations.begin()->second, ',')) {
    EXPECT_TRUE(devices.contains(std::string(name))) << name;
  }
  EXPECT_EQ(annotations.begin()->second, Qualified("3"));
}

TEST_F(CdiSpecE2eTest, DisabledHooksAndFeatureFlagsShapeTheSpec) {
  driver_.Touch("/run/nvidia-persistenced/socket");
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-cri", "--cdi-disable-hooks",
                             "enable-cuda-compat,update-ldcache", "--cdi-feature-flags",
                             "disable-ipc-discoverer"});
  ASSERT_TRUE(WaitRegistered());
  std::ifstream spec(spec_path_);
  std::string text((std::istreambuf_iterator<char>(spec)), {});
  EXPECT_NE(text.find("\"create-symlinks\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"disable-device-node-modification\""), std::string::npos);
  EXPECT_EQ(text.find("enable-cuda-compat"), std::string::npos);
  EXPECT_EQ(text.find("update-ldcache"), std::string::npos);
  EXPECT_EQ(text.find("nvidia-persistenced/socket"), std::string::npos);
  EXPECT_NE(text.find("libcuda.so."), std::string::npos) << "the libraries stay";
  GpuletRun validate = RunGpulet("", "cdi validate " + spec_path_);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
}

TEST_F(CdiSpecE2eTest, UnchangedNodeNeverRewritesTheSpecButANewLayoutDoes) {
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-cri"});
  ASSERT_TRUE(WaitRegistered());
  std::optional<FileId> first = Identify(spec_path_);
  ASSERT_TRUE(first.has_value());
  // Many rescans (every 100 ms) and a config reload, all with the same node.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  ASSERT_TRUE(plugin_->Signal(SIGHUP).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(Identify(spec_path_), first) << "same inode and mtime";

  // Another machine's GPUs behind the same driver: the spec follows.
  Control("reload dgx-a100-mig");
  std::string a100_gpu0 = ProfileGpuUuids("dgx-a100-mig")[0];
  std::string new_gpu = Qualified(a100_gpu0);
  std::string old_gpu = Qualified(ProfileGpuUuids("dgx-h100")[0]);
  ASSERT_TRUE(WaitForSpec([&](const std::set<std::string>& devices) {
    return devices.contains(new_gpu) && !devices.contains(old_gpu);
  })) << plugin_->Log();
  EXPECT_NE(Identify(spec_path_)->inode, first->inode) << "replaced by rename";
  GpuletRun validate = RunGpulet("", "cdi validate " + spec_path_);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  // Once the new devices are advertised, Allocate names them.
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  ASSERT_TRUE(client->WaitForList(
      [&](const v1beta1::ListAndWatchResponse& list) {
        return !list.devices().empty() && list.devices(0).id() == a100_gpu0;
      },
      kE2eWait));
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client->Allocate({{a100_gpu0}}, &response).ok());
  EXPECT_EQ(response.container_responses(0).cdi_devices(0).name(), new_gpu);
}

TEST_F(CdiSpecE2eTest, GpuWithoutItsDeviceNodeIsLeftOutAndRefusedInAllocate) {
  driver_.Remove("/dev/nvidia6");
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-cri"});
  ASSERT_TRUE(WaitRegistered());
  std::string gpu6 = ProfileGpuUuids("dgx-h100")[6];
  EXPECT_FALSE(SpecDevices(spec_path_).contains(Qualified(gpu6)));
  v1beta1::AllocateResponse response;
  grpc::Status status = Client("nvidia.com/gpu")->Allocate({{gpu6}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find(Qualified(gpu6)), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find(spec_path_), std::string::npos);
}

TEST_F(CdiSpecE2eTest, EnvvarStrategyWritesNoSpec) {
  LaunchWithCdi("dgx-h100", {});
  ASSERT_TRUE(WaitRegistered());
  struct stat st {};
  EXPECT_NE(stat(spec_path_.c_str(), &st), 0);
}

TEST_F(CdiSpecE2eTest, SpecIsLeftInPlaceOnExit) {
  LaunchWithCdi("dgx-h100", {"--device-list-strategy", "cdi-cri"});
  ASSERT_TRUE(WaitRegistered());
  EXPECT_EQ(Terminate(), 0);
  EXPECT_FALSE(SpecDevices(spec_path_).empty());
}

TEST_F(CdiSpecE2eTest, RelativeSpecDirIsABadFlag) {
  Launch("dgx-h100", {"--device-list-strategy", "cdi-cri", "--cdi-spec-dir", "relative/dir"});
  EXPECT_EQ(plugin_->WaitForExit(kE2eWait), 2);
  EXPECT_NE(plugin_->Log().find("--cdi-spec-dir: \"relative/dir\" is not an absolute path"),
            std::string::npos)
      << plugin_->Log();
}

}  // namespace
}  // namespace gpulet::testing
