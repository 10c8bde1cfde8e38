// The soak's own checks, without an agent: the labels file reader, the
// quantiles of the report, the two MIG layouts, and the invariant checker
// fed with hand-made device lists.
#include <thread>

#include "gtest/gtest.h"
#include "invariant_checker.h"
#include "labels_check.h"
#include "soak_layouts.h"
#include "soak_report.h"

namespace gpulet::soak {
namespace {

constexpr char kGoodLabels[] =
    "# +expiry-time=2026-12-04T08:56:22Z\n"
    "nvidia.com/cuda.driver.major=550\n"
    "nvidia.com/cuda.driver.rev=\n"
    "nvidia.com/gpu.count=8\n"
    "nvidia.com/gpu.product=NVIDIA-A100-SXM4-40GB-SHARED\n"
    "nvidia.com/gpu.replicas=2\n";

TEST(CheckLabelsTextTest, ReadsACompleteFile) {
  absl::StatusOr<LabelsFile> file = CheckLabelsText(kGoodLabels);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->exists);
  EXPECT_EQ(file->replicas, 2);
}

TEST(CheckLabelsTextTest, RejectsWhatAReaderMustNotSee) {
  std::string good = kGoodLabels;
  for (const std::string& text : {
           std::string(),                                 // empty
           good.substr(0, good.size() - 1),               // last line cut
           good.substr(0, good.find("nvidia.com/gpu.count")),  // keys missing
           good + "no-equals-sign\n",                     // not key=value
           good + "=value\n",                             // no key
       }) {
    EXPECT_FALSE(CheckLabelsText(text).ok()) << text;
  }
}

TEST(QuantileTest, NearestRank) {
  EXPECT_EQ(Quantile({}, 0.5), 0);
  EXPECT_EQ(Quantile({5, 1, 3, 2, 4}, 0.5), 3);
  std::vector<int64_t> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(Quantile(hundred, 0.99), 99);
  EXPECT_EQ(Quantile(hundred, 1.0), 100);
}

TEST(SoakLayoutsTest, TheRelayoutDestroysTheMigDevicesOfGpus4And7Only) {
  absl::StatusOr<std::vector<Layout>> layouts = SoakLayouts(GPULET_MOCK_MACHINES_DIR);
  ASSERT_TRUE(layouts.ok()) << layouts.status();
  ASSERT_EQ(layouts->size(), 2u);
  const Layout& shipped = (*layouts)[0];
  const Layout& relaid = (*layouts)[1];
  EXPECT_EQ(shipped.gpu_uuids, relaid.gpu_uuids);
  size_t lost = 0;
  for (const std::string& uuid : shipped.mig_uuids) {
    int gpu = shipped.gpu_of.at(uuid);
    bool kept = relaid.mig_uuids.contains(uuid);
    EXPECT_EQ(kept, gpu != 4 && gpu != 7) << uuid;
    lost += kept ? 0 : 1;
  }
  EXPECT_EQ(lost, 3u);  // 2x 3g.20gb on GPU 4, 7g.40gb on GPU 7
}

class InvariantCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<Layout>> layouts = SoakLayouts(GPULET_MOCK_MACHINES_DIR);
    ASSERT_TRUE(layouts.ok()) << layouts.status();
    layouts_ = *std::move(layouts);
    checker_ = std::make_unique<InvariantChecker>(
        CheckerOptions{.recovery_window = std::chrono::milliseconds(300),
                       .rescan_interval = std::chrono::milliseconds(0),
                       .labels_path = "/nonexistent/gfd",
                       .good_replicas = {2, 3}},
        layouts_[0]);
  }

  // nvidia.com/gpu with GPUs 0 and 1 shared `replicas` times.
  v1beta1::ListAndWatchResponse WholeGpus(int replicas, const std::string& health) const {
    v1beta1::ListAndWatchResponse list;
    for (int gpu : {0, 1}) {
      for (int r = 0; r < replicas; ++r) {
        v1beta1::Device* device = list.add_devices();
        device->set_id(replicas == 1 ? layouts_[0].gpu_uuids[gpu]
                                     : layouts_[0].gpu_uuids[gpu] + "::" + std::to_string(r));
        device->set_health(health);
      }
    }
    return list;
  }

  int64_t Count(const char* invariant) const { return checker_->Violations()[invariant]; }

  std::vector<Layout> layouts_;
  std::unique_ptr<InvariantChecker> checker_;
};

TEST_F(InvariantCheckerTest, AGoodListBreaksNothingAndShowsTheConfig) {
  checker_->OnList("nvidia.com/gpu", WholeGpus(2, "Healthy"));
  checker_->Poll();
  EXPECT_TRUE(checker_->Violations().empty());
  EXPECT_EQ(checker_->Health(0).healthy, 2);
  EXPECT_EQ(checker_->Health(2).healthy, 0);
}

TEST_F(InvariantCheckerTest, AnUnknownDeviceIsAPhantom) {
  v1beta1::ListAndWatchResponse list = WholeGpus(2, "Healthy");
  list.add_devices()->set_id("GPU-00000000-0000-0000-0000-000000000000::0");
  checker_->OnList("nvidia.com/gpu", list);
  EXPECT_EQ(Count(kPhantomDevice), 1);
}

TEST_F(InvariantCheckerTest, AStaleMigDeviceIsToleratedUntilTheRescanIsDue) {
  checker_->SetLayout(layouts_[1]);
  v1beta1::ListAndWatchResponse list;
  for (const std::string& uuid : layouts_[0].mig_uuids) {
    if (!layouts_[1].mig_uuids.contains(uuid)) list.add_devices()->set_id(uuid);
  }
  checker_->OnList("nvidia.com/mig-3g.20gb", list);
  EXPECT_EQ(Count(kPhantomDevice), 0);  // inside the rescan grace
  EXPECT_FALSE(checker_->LayoutApplied());
}

TEST_F(InvariantCheckerTest, UnsharedGpusMeanABrokenConfigWasApplied) {
  checker_->OnList("nvidia.com/gpu", WholeGpus(1, "Healthy"));
  EXPECT_EQ(Count(kBrokenConfigApplied), 1);
}

TEST_F(InvariantCheckerTest, HealthyInsideTheWindowIsEarlyAndUnhealthyWithoutAFaultSpurious) {
  checker_->BeginGpuFault(0);
  checker_->EndGpuFault(0);
  checker_->OnList("nvidia.com/gpu", WholeGpus(2, "Unhealthy"));
  checker_->Poll();
  checker_->OnList("nvidia.com/gpu", WholeGpus(2, "Healthy"));
  checker_->Poll();
  EXPECT_EQ(Count(kHealthyEarly), 1);
  // GPU 1 had no fault at all.
  EXPECT_EQ(Count(kSpuriousUnhealthy), 1);
}

// Each resource's stream shows the fault when its own update arrives: a
// device still Healthy in a stream not yet updated has not recovered.
TEST_F(InvariantCheckerTest, AStreamNotYetUpdatedIsNotAnEarlyRecovery) {
  std::vector<std::string> migs;
  for (const auto& [uuid, gpu] : layouts_[0].gpu_of) {
    if (gpu == 2 && uuid.starts_with("MIG-")) migs.push_back(uuid);
  }
  ASSERT_GE(migs.size(), 2u);
  auto mig_list = [](const std::string& uuid, const std::string& health) {
    v1beta1::ListAndWatchResponse list;
    v1beta1::Device* device = list.add_devices();
    device->set_id(uuid);
    device->set_health(health);
    return list;
  };
  checker_->OnList("nvidia.com/mig-a", mig_list(migs[0], "Healthy"));
  checker_->OnList("nvidia.com/mig-b", mig_list(migs[1], "Healthy"));
  checker_->BeginGpuFault(2);
  checker_->EndGpuFault(2);
  checker_->OnList("nvidia.com/mig-a", mig_list(migs[0], "Unhealthy"));
  checker_->Poll();  // mig-b's update is still on its way
  checker_->OnList("nvidia.com/mig-b", mig_list(migs[1], "Unhealthy"));
  checker_->Poll();
  EXPECT_EQ(Count(kHealthyEarly), 0);
  // Once Unhealthy, Healthy again inside the window is early.
  checker_->OnList("nvidia.com/mig-b", mig_list(migs[1], "Healthy"));
  checker_->Poll();
  EXPECT_EQ(Count(kHealthyEarly), 1);
}

TEST_F(InvariantCheckerTest, HealthyAfterTheWindowIsOnTime) {
  checker_->BeginGpuFault(1);
  checker_->EndGpuFault(1);
  v1beta1::ListAndWatchResponse list = WholeGpus(2, "Healthy");
  list.mutable_devices(2)->set_health("Unhealthy");
  list.mutable_devices(3)->set_health("Unhealthy");
  checker_->OnList("nvidia.com/gpu", list);
  checker_->Poll();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  checker_->OnList("nvidia.com/gpu", WholeGpus(2, "Healthy"));
  checker_->Poll();
  EXPECT_TRUE(checker_->Violations().empty());
}

}  // namespace
}  // namespace gpulet::soak
