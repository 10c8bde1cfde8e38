// Health end to end: XIDs, ECC errors and lost GPUs injected through the
// mock's control file reach the kubelet through ListAndWatch — ignored
// XIDs change nothing, critical ones mark exactly the affected devices,
// and recovery brings them back — and a MIG layout change is picked up
// without a restart.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "mock/nvml/machine_profile.h"
#include "mock/nvml/mock_test_files.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

// The recovery window of these tests: long enough to see the fault, short
// enough to see the recovery.
constexpr char kRecovery[] = "2s";


std::set<std::string> AllBut(const std::vector<std::string>& ids,
                             const std::set<std::string>& except) {
  std::set<std::string> out;
  for (const std::string& id : ids) {
    if (!except.contains(id)) out.insert(id);
  }
  return out;
}

auto HealthyAre(std::set<std::string> expected) {
  return [expected](const v1beta1::ListAndWatchResponse& list) {
    return HealthyIds(list) == expected;
  };
}

class HealthE2eTest : public DevicePluginE2eTest {
 protected:
  void LaunchH100() {
    Launch("dgx-h100", {"--health-recovery-window", kRecovery});
    ASSERT_TRUE(WaitRegistered());
    uuids_ = ProfileGpuUuids("dgx-h100");
    client_ = Watch("nvidia.com/gpu");
  }
  std::vector<std::string> uuids_;
  std::unique_ptr<PluginClient> client_;
};

TEST_F(HealthE2eTest, IgnoredXidsChangeNothingCriticalOnesMarkOneGpuThenRecover) {
  LaunchH100();
  size_t lists = client_->ListsReceived();
  for (int xid : {13, 31, 43, 45, 68, 109}) Control(absl::StrCat("xid 0 ", xid));
  // Events are handled in order: once the critical one on GPU 3 shows,
  // the ignored ones on GPU 0 have been seen and changed nothing.
  Control("xid 3 48");
  ASSERT_TRUE(client_->WaitForList(HealthyAre(AllBut(uuids_, {uuids_[3]})), kE2eWait));
  EXPECT_EQ(client_->ListsReceived(), lists + 1);
  ASSERT_TRUE(client_->WaitForList(HealthyAre(AllBut(uuids_, {})), kE2eWait));
  EXPECT_TRUE(plugin_->WaitForLog(uuids_[3], kE2eWait));
}

TEST_F(HealthE2eTest, DoubleBitEccAndLostGpuAffectOnlyThatGpu) {
  LaunchH100();
  Control("ecc 1 double");
  Control("lost " + uuids_[6]);
  ASSERT_TRUE(client_->WaitForList(HealthyAre(AllBut(uuids_, {uuids_[1], uuids_[6]})),
                                   kE2eWait));
  // GPU 1 recovers by itself; GPU 6 only once it answers again.
  ASSERT_TRUE(client_->WaitForList(HealthyAre(AllBut(uuids_, {uuids_[6]})), kE2eWait));
  Control("restore " + uuids_[6]);
  ASSERT_TRUE(client_->WaitForList(HealthyAre(AllBut(uuids_, {})), kE2eWait));
}

TEST_F(HealthE2eTest, DisabledHealthChecksIgnoreEverything) {
  Launch("dgx-h100", {}, {"DP_DISABLE_HEALTHCHECKS=all"});
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  std::vector<std::string> uuids = ProfileGpuUuids("dgx-h100");
  Control("xid 2 79");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(client->ListsReceived(), 1u);
  EXPECT_EQ(HealthyIds(client->LatestList()), AllBut(uuids, {}));
}

TEST_F(HealthE2eTest, MigXidMarksOnlyThatMigDevice) {
  Launch("dgx-a100-mig", {"--mig-strategy", "mixed", "--health-recovery-window", kRecovery});
  ASSERT_TRUE(WaitRegistered(8));  // gpu and seven MIG profiles
  std::unique_ptr<PluginClient> small = Watch("nvidia.com/mig-1g.5gb");
  std::unique_ptr<PluginClient> gpus = Watch("nvidia.com/gpu");
  std::vector<std::string> ids = DeviceIds(small->LatestList());
  ASSERT_GE(ids.size(), 2u);
  Control("xid " + ids[1] + " 94");
  ASSERT_TRUE(small->WaitForList(HealthyAre(AllBut(ids, {ids[1]})), kE2eWait));
  ASSERT_TRUE(small->WaitForList(HealthyAre(AllBut(ids, {})), kE2eWait));
  EXPECT_EQ(gpus->ListsReceived(), 1u);
}

// Two A100s: GPU 0 with `devices` (a YAML flow list), GPU 1 with one
// 7g.40gb.
std::string TwoA100s(const std::string& devices) {
  return mock::A100ProfileForTest(devices, /*second_gpu=*/true);
}

constexpr char kBig[] = "{gi: 1, profile: 3g.20gb, uuid: MIG-11111111-1111-1111-1111-111111111111}";
constexpr char kNew[] = "{gi: 2, profile: 2g.10gb, uuid: MIG-22222222-2222-2222-2222-222222222222}";

TEST_F(HealthE2eTest, MigLayoutChangeIsServedWithoutARestart) {
  std::string profile = WriteFile("machine.yaml", TwoA100s(absl::StrCat("[", kBig, "]")));
  Launch(profile, {"--mig-strategy", "mixed", "--rescan-interval", "200ms",
                   "--health-recovery-window", kRecovery});
  ASSERT_TRUE(WaitRegistered(2));
  std::unique_ptr<PluginClient> whole = Watch("nvidia.com/mig-7g.40gb");
  std::unique_ptr<PluginClient> big = Watch("nvidia.com/mig-3g.20gb");
  WriteFile("machine.yaml", TwoA100s(absl::StrCat("[", kBig, ", ", kNew, "]")));
  Control("reload");
  ASSERT_TRUE(WaitRegistered(3));
  EXPECT_TRUE(RegisteredResources().contains("nvidia.com/mig-2g.10gb"));
  std::unique_ptr<PluginClient> added = Watch("nvidia.com/mig-2g.10gb");
  EXPECT_EQ(DeviceIds(added->LatestList()),
            std::vector<std::string>{"MIG-22222222-2222-2222-2222-222222222222"});
  // The health monitor follows the new layout: the new device can fail.
  Control("xid MIG-22222222-2222-2222-2222-222222222222 94");
  ASSERT_TRUE(added->WaitForList(HealthyAre({}), kE2eWait));
  // Resources the change did not touch were not re-advertised.
  EXPECT_EQ(whole->ListsReceived(), 1u);
  EXPECT_EQ(big->ListsReceived(), 1u);
  EXPECT_EQ(kubelet_->Registrations().size(), 3u);
}

}  // namespace
}  // namespace gpulet::testing
