// `gpulet device-plugin` end to end on every shipped mock machine:
// registration, ListAndWatch per profile and MIG strategy, Allocate and
// GetPreferredAllocation, time-slicing from a config file, and startup
// errors for bad input.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "mock/nvml/machine_profile.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

using Resources = std::map<std::string, std::set<std::string>>;

// What NVIDIA's plugin advertises for `machine`: with MIG strategy none
// every GPU is an nvidia.com/gpu; with mixed, MIG devices of enabled GPUs
// go under nvidia.com/mig-<profile> ('+' → '.').
Resources Expected(const std::string& machine, bool mixed) {
  absl::StatusOr<mock::MachineProfile> profile = mock::LoadMachineProfile(machine);
  EXPECT_TRUE(profile.ok()) << profile.status();
  Resources out;
  if (!profile.ok()) return out;
  for (const mock::GpuProfile& gpu : profile->gpus) {
    if (!mixed || !gpu.mig.current_enabled) {
      out["nvidia.com/gpu"].insert(gpu.uuid);
      continue;
    }
    for (const mock::MigDeviceProfile& mig : gpu.mig.devices) {
      out["nvidia.com/mig-" + absl::StrReplaceAll(mig.profile, {{"+", "."}})].insert(mig.uuid);
    }
  }
  return out;
}

std::set<std::string> AsSet(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

std::string EnvOf(const v1beta1::AllocateResponse& response, const std::string& name) {
  if (response.container_responses_size() == 0) return "";
  const auto& envs = response.container_responses(0).envs();
  auto it = envs.find(name);
  return it == envs.end() ? "" : it->second;
}

class ProfileTest : public DevicePluginE2eTest,
                    public ::testing::WithParamInterface<std::string> {};

TEST_P(ProfileTest, RegistersAndAdvertisesEveryGpu) {
  Launch(GetParam());
  ASSERT_TRUE(WaitRegistered());
  std::vector<v1beta1::RegisterRequest> registrations = kubelet_->Registrations();
  ASSERT_EQ(registrations.size(), 1u);
  EXPECT_EQ(registrations[0].version(), "v1beta1");
  EXPECT_EQ(registrations[0].endpoint(), "nvidia-gpu.sock");
  EXPECT_EQ(registrations[0].resource_name(), "nvidia.com/gpu");
  EXPECT_TRUE(registrations[0].options().get_preferred_allocation_available());

  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  v1beta1::ListAndWatchResponse list = client->LatestList();
  Resources expected = Expected(GetParam(), /*mixed=*/false);
  EXPECT_EQ(AsSet(DeviceIds(list)), expected["nvidia.com/gpu"]);
  EXPECT_EQ(HealthyIds(list), expected["nvidia.com/gpu"]);

  std::string first = list.devices(0).id();
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client->Allocate({{first}}, &response).ok());
  EXPECT_EQ(EnvOf(response, "NVIDIA_VISIBLE_DEVICES"), first);
}

INSTANTIATE_TEST_SUITE_P(Machines, ProfileTest,
                         ::testing::Values("dgx-h100", "dgx-a100-mig", "t4", "hetero"),
                         [](const auto& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

TEST_F(DevicePluginE2eTest, MixedStrategyServesOneResourcePerMigProfile) {
  Launch("dgx-a100-mig", {"--mig-strategy", "mixed"});
  Resources expected = Expected("dgx-a100-mig", /*mixed=*/true);
  ASSERT_TRUE(WaitRegistered(expected.size()));
  std::set<std::string> names;
  for (const auto& [name, ids] : expected) names.insert(name);
  EXPECT_EQ(RegisteredResources(), names);
  EXPECT_TRUE(names.contains("nvidia.com/mig-1g.5gb.me"));
  for (const auto& [name, ids] : expected) {
    std::unique_ptr<PluginClient> client = Watch(name);
    EXPECT_EQ(AsSet(DeviceIds(client->LatestList())), ids) << name;
  }
  std::unique_ptr<PluginClient> mig = Client("nvidia.com/mig-1g.5gb");
  std::string id = *expected["nvidia.com/mig-1g.5gb"].begin();
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(mig->Allocate({{id}}, &response).ok());
  EXPECT_EQ(EnvOf(response, "NVIDIA_VISIBLE_DEVICES"), id);
}

TEST_F(DevicePluginE2eTest, SingleStrategyRefusesAMixedLayout) {
  Launch("dgx-a100-mig", {"--mig-strategy", "single"});
  EXPECT_TRUE(plugin_->WaitForLog("Building the resources failed", kE2eWait));
  EXPECT_TRUE(kubelet_->Registrations().empty());
}

TEST_F(DevicePluginE2eTest, AllocateNamesUnknownAndForeignIds) {
  Launch("dgx-a100-mig", {"--mig-strategy", "mixed"});
  ASSERT_TRUE(WaitRegistered(Expected("dgx-a100-mig", true).size()));
  std::string foreign = *Expected("dgx-a100-mig", true)["nvidia.com/mig-7g.40gb"].begin();
  std::unique_ptr<PluginClient> client = Client("nvidia.com/gpu");
  v1beta1::AllocateResponse response;
  grpc::Status status = client->Allocate({{"GPU-bogus"}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "GPU-bogus")) << status.error_message();
  status = client->Allocate({{foreign}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), foreign)) << status.error_message();
}

TEST_F(DevicePluginE2eTest, VolumeMountsWithIndexIds) {
  Launch("dgx-h100", {"--device-list-strategy", "volume-mounts", "--device-id-strategy",
                      "index", "--gds-enabled"});
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  std::vector<std::string> ids = DeviceIds(client->LatestList());
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client->Allocate({{ids[2], ids[5]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, "NVIDIA_VISIBLE_DEVICES"), "/var/run/nvidia-container-devices");
  EXPECT_EQ(EnvOf(response, "NVIDIA_GDS"), "enabled");
  const auto& mounts = response.container_responses(0).mounts();
  ASSERT_EQ(mounts.size(), 2);
  EXPECT_EQ(mounts[0].container_path(), "/var/run/nvidia-container-devices/2");
  EXPECT_EQ(mounts[1].container_path(), "/var/run/nvidia-container-devices/5");
  EXPECT_EQ(mounts[0].host_path(), "/dev/null");
}

TEST_F(DevicePluginE2eTest, PreferredAllocationKeepsNvlinkNeighboursAndMustInclude) {
  Launch("dgx-h100");
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  std::vector<std::string> ids = DeviceIds(client->LatestList());
  v1beta1::PreferredAllocationResponse response;
  ASSERT_TRUE(client->GetPreferredAllocation(ids, {ids[5]}, 4, &response).ok());
  ASSERT_EQ(response.container_responses_size(), 1);
  const auto& chosen = response.container_responses(0).deviceids();
  ASSERT_EQ(chosen.size(), 4);
  EXPECT_TRUE(std::find(chosen.begin(), chosen.end(), ids[5]) != chosen.end());
}

TEST_F(DevicePluginE2eTest, TimeSlicingFromTheConfigFile) {
  std::string config = WriteFile("config.yaml",
                                 "version: v1\n"
                                 "sharing:\n"
                                 "  timeSlicing:\n"
                                 "    renameByDefault: true\n"
                                 "    failRequestsGreaterThanOne: true\n"
                                 "    resources:\n"
                                 "      - name: nvidia.com/gpu\n"
                                 "        replicas: 3\n");
  Launch("t4", {"--config-file", config});
  ASSERT_TRUE(WaitRegistered());
  EXPECT_EQ(RegisteredResources(), std::set<std::string>{"nvidia.com/gpu.shared"});
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu.shared");
  std::vector<std::string> ids = DeviceIds(client->LatestList());
  std::string uuid = *Expected("t4", false)["nvidia.com/gpu"].begin();
  EXPECT_EQ(ids, (std::vector<std::string>{uuid + "::0", uuid + "::1", uuid + "::2"}));
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client->Allocate({{ids[1]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, "NVIDIA_VISIBLE_DEVICES"), uuid);
  grpc::Status status = client->Allocate({{ids[0], ids[1]}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(),
                                "maximum request size for shared resources is 1"))
      << status.error_message();
}

struct BadInput {
  const char* name;
  std::vector<std::string> args;
  const char* config;  // written to config.yaml and passed when set
  const char* message;  // part of the error the log must show
};

class BadInputTest : public DevicePluginE2eTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(BadInputTest, ExitsWithAClearErrorAndServesNothing) {
  std::vector<std::string> args = GetParam().args;
  if (GetParam().config != nullptr) {
    args.push_back("--config-file");
    args.push_back(WriteFile("config.yaml", GetParam().config));
  }
  Launch("dgx-h100", args);
  std::optional<int> code = plugin_->WaitForExit(kE2eWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_LT(*code, 128) << "crashed";
  EXPECT_TRUE(absl::StrContains(plugin_->Log(), GetParam().message)) << plugin_->Log();
  EXPECT_TRUE(kubelet_->Registrations().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, BadInputTest,
    ::testing::Values(
        BadInput{"UnknownMigStrategy", {"--mig-strategy", "bogus"}, nullptr, "bogus"},
        BadInput{"UnknownListStrategy", {"--device-list-strategy", "envvar,nope"}, nullptr,
                 "nope"},
        BadInput{"UnknownIdStrategy", {"--device-id-strategy", "serial"}, nullptr, "serial"},
        BadInput{"MalformedConfig", {}, "version: v1\nflags: [unclosed\n", "config.yaml"},
        BadInput{"OneReplica", {}, "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
                 "      - name: nvidia.com/gpu\n        replicas: 1\n", "replicas"},
        BadInput{"DuplicateResource", {}, "version: v1\nsharing:\n  timeSlicing:\n"
                 "    resources:\n      - name: nvidia.com/gpu\n        replicas: 2\n"
                 "      - name: nvidia.com/gpu\n        replicas: 4\n", "nvidia.com/gpu"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gpulet::testing
