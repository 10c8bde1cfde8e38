// The node agent's threads under contention, for ThreadSanitizer: the
// config switcher's thread against label updates from many threads and
// readers of the chosen file, and the labelling loop's thread against
// reloads and label requests from many threads, then a stop.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "kube/testing/temp_dir.h"
#include "node/config_switcher.h"
#include "node/label_loop.h"

namespace gpulet::node {
namespace {

using ::gpulet::testing::IsOk;

std::string Replicas(int n) {
  return "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
         "      - name: nvidia.com/gpu\n        replicas: " + std::to_string(n) + "\n";
}

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(ConfigSwitcherStressTest, ConcurrentLabelUpdatesEndOnTheLastLabel) {
  kube::testing::TempDir dir;
  for (int n : {2, 3, 4}) {
    std::ofstream(std::filesystem::path(dir.path()) / ("r" + std::to_string(n))) << Replicas(n);
  }
  Environment env = Environment::FromMap({});
  auto choice = std::make_shared<ConfigFileOverride>();
  ConfigSwitcherOptions options;
  options.selection.source_dir = dir.path();
  options.recheck_interval = std::chrono::milliseconds(1);
  std::atomic<int> switched{0};
  ConfigSwitcher switcher(&env, options, choice, nullptr, [&] { ++switched; });
  // The writers use r3 and r4 and the last update r2, so seeing r2 means
  // the last update was applied after every earlier one.
  ASSERT_THAT(switcher.Initialize("r4"), IsOk());
  switcher.Start();
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      std::optional<std::string> path = choice->Get();
      EXPECT_TRUE(path.has_value());
      (void)switcher.current_name();
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) switcher.Update(i % 2 == t % 2 ? "r3" : "r4");
    });
  }
  for (std::thread& w : writers) w.join();
  switcher.Update("r2");
  EXPECT_TRUE(WaitUntil([&] { return switcher.current_name() == "r2"; }));
  done = true;
  reader.join();
  switcher.Stop();
  EXPECT_EQ(choice->Get(), (std::filesystem::path(dir.path()) / "r2").string());
  EXPECT_GT(switched.load(), 0);
}

TEST(LabelLoopStressTest, ReloadsAndLabelRequestsFromManyThreadsThenStop) {
  kube::testing::TempDir dir;
  std::string output = (std::filesystem::path(dir.path()) / "gfd").string();
  std::string config = (std::filesystem::path(dir.path()) / "config.yaml").string();
  std::ofstream(config) << Replicas(2);
  Environment env = Environment::FromMap({});
  auto choice = std::make_shared<ConfigFileOverride>();
  choice->Set(config);
  LabelLoopOptions options;
  options.flags.output_file = output;
  options.flags.fail_on_init_error = false;
  options.config_override = choice;
  // No NVML: the labels of a node without GPUs, which still exercise the
  // config reloads and the file writer.
  absl::StatusOr<std::unique_ptr<LabelLoop>> loop = LabelLoop::Start(&env, options, nullptr);
  ASSERT_THAT(loop.status(), IsOk());
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if ((i + t) % 3 == 0) {
          (*loop)->Reload();
        } else {
          (*loop)->LabelNow();
        }
      }
    });
  }
  std::thread editor([&] {
    for (int i = 0; i < 20; ++i) choice->Set(i % 2 == 0 ? config : "");
  });
  for (std::thread& c : callers) c.join();
  editor.join();
  EXPECT_TRUE(WaitUntil([&] { return (*loop)->passes() > 1; }));
  EXPECT_TRUE(std::filesystem::exists(output));
  (*loop)->Stop();
  EXPECT_FALSE(std::filesystem::exists(output));
}

}  // namespace
}  // namespace gpulet::node
