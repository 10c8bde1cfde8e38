#include "node/config_switcher.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::node {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

std::string Replicas(int n) {
  return "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
         "      - name: nvidia.com/gpu\n        replicas: " + std::to_string(n) + "\n";
}

// Records the events instead of posting them.
class RecordingEvents final : public NodeEvents {
 public:
  absl::Status Warning(std::string_view reason, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(std::string(reason) + ": " + std::string(message));
    return absl::OkStatus();
  }
  std::vector<std::string> messages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> messages_;
};

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class ConfigSwitcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("two", Replicas(2));
    Write("three", Replicas(3));
    Write("broken", Replicas(-1));
    Write("default", "version: v1\n");
  }

  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(std::filesystem::path(dir_.path()) / name) << text;
  }

  std::unique_ptr<ConfigSwitcher> Make() {
    ConfigSwitcherOptions options;
    options.selection.source_dir = dir_.path();
    options.recheck_interval = std::chrono::milliseconds(20);
    return std::make_unique<ConfigSwitcher>(&env_, options, choice_, &events_,
                                            [this] { ++switches_; });
  }

  std::string Path(const std::string& name) const {
    return (std::filesystem::path(dir_.path()) / name).string();
  }

  kube::testing::TempDir dir_;
  Environment env_ = Environment::FromMap({});
  std::shared_ptr<ConfigFileOverride> choice_ = std::make_shared<ConfigFileOverride>();
  RecordingEvents events_;
  std::atomic<int> switches_{0};
};

TEST_F(ConfigSwitcherTest, InitializeChoosesByLabelWithoutSwitching) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize("two"), IsOk());
  EXPECT_EQ(choice_->Get(), Path("two"));
  EXPECT_EQ(switcher->current_name(), "two");
  EXPECT_EQ(switches_, 0);
  EXPECT_TRUE(events_.messages().empty());
}

TEST_F(ConfigSwitcherTest, InitializeWithAnUnknownLabelFallsBackAndReports) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize("h100"), IsOk());
  EXPECT_EQ(switcher->current_name(), "default");
  ASSERT_EQ(events_.messages().size(), 1u);
  EXPECT_THAT(events_.messages()[0],
              AllOf(HasSubstr("InvalidDevicePluginConfig"), HasSubstr("\"h100\"")));
}

TEST_F(ConfigSwitcherTest, InitializeFailsWhenTheChosenConfigDoesNotLoad) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  EXPECT_THAT(switcher->Initialize("broken"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"broken\"")));
  EXPECT_FALSE(choice_->Get().has_value());
}

TEST_F(ConfigSwitcherTest, SwitchesOnALabelChangeAndIgnoresRepeats) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize("two"), IsOk());
  switcher->Start();
  switcher->Update("three");
  ASSERT_TRUE(WaitUntil([&] { return switches_ == 1; }));
  EXPECT_EQ(choice_->Get(), Path("three"));
  switcher->Update("three");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(switches_, 1);
  switcher->Update(std::nullopt);
  ASSERT_TRUE(WaitUntil([&] { return switches_ == 2; }));
  EXPECT_EQ(switcher->current_name(), "default");
}

TEST_F(ConfigSwitcherTest, ABadChoiceKeepsTheRunningConfigAndIsReportedOnce) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize("two"), IsOk());
  switcher->Start();
  switcher->Update("broken");
  ASSERT_TRUE(WaitUntil([&] { return events_.messages().size() == 1; }));
  // Rechecks every 20 ms find the same cause: no new event, no switch.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_EQ(events_.messages().size(), 1u);
  EXPECT_THAT(events_.messages()[0],
              AllOf(HasSubstr("config \"broken\" is invalid"), HasSubstr("keeping config \"two\"")));
  EXPECT_EQ(choice_->Get(), Path("two"));
  EXPECT_EQ(switches_, 0);
  EXPECT_EQ(switcher->refusals(), 1);
}

TEST_F(ConfigSwitcherTest, AnEditedConfigMapTakesEffectWithoutALabelChange) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize("broken"), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(switcher->Initialize("two"), IsOk());
  switcher->Start();
  switcher->Update("two");
  Write("two", Replicas(4));
  ASSERT_TRUE(WaitUntil([&] { return switches_ == 1; }));
  EXPECT_EQ(choice_->Get(), Path("two"));
  // Broken in place: refused, the running config stays.
  Write("two", "version: v1\nsharing: [");
  ASSERT_TRUE(WaitUntil([&] { return events_.messages().size() == 1; }));
  EXPECT_EQ(switches_, 1);
}

TEST_F(ConfigSwitcherTest, StopEndsTheThreadPromptly) {
  std::unique_ptr<ConfigSwitcher> switcher = Make();
  ASSERT_THAT(switcher->Initialize(std::nullopt), IsOk());
  switcher->Start();
  auto start = std::chrono::steady_clock::now();
  switcher->Stop();
  switcher->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace gpulet::node
