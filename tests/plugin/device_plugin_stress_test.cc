// Concurrency stress of a real `gpulet device-plugin`: an Allocate storm
// from several kubelet clients while ListAndWatch streams, XIDs fail and
// recover GPUs, and SIGHUP reloads switch the replica count. Run under
// ThreadSanitizer in CI (label `concurrency`): the plugin process is built
// with it and halts on the first race, which this test sees as a non-zero
// exit.
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

std::string Replicas(int n) {
  return absl::StrCat(
      "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
      "      - name: nvidia.com/gpu\n        replicas: ", n, "\n");
}

TEST_F(DevicePluginE2eTest, AllocateStormWithWatchXidsAndReloads) {
  std::string config = WriteFile("config.yaml", Replicas(2));
  Launch("dgx-h100", {"--config-file", config, "--health-recovery-window", "100ms"});
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> watcher = Watch("nvidia.com/gpu");
  std::vector<std::string> ids = DeviceIds(watcher->LatestList());
  ASSERT_EQ(ids.size(), 16u);

  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<PluginClient> client = Client("nvidia.com/gpu");
      v1beta1::AllocateResponse response;
      for (int i = 0; i < 150; ++i) {
        // IDs "<UUID>::0" and "::1" exist under every replica count.
        bool good = client->Allocate({{ids[(i + t) % ids.size()]}}, &response).ok();
        (good ? ok : failed).fetch_add(1);
        // A plugin stopped by a race report would make every further call
        // wait out its deadline.
        if (!good) break;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 16; ++i) {
      Control(absl::StrCat("xid ", i % 8, " ", i % 2 == 0 ? 48 : 13));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < 8; ++i) {
      WriteFile("config.yaml", Replicas(2 + i % 2));
      ASSERT_TRUE(plugin_->Signal(SIGHUP).ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
  });
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(ok.load(), 450);
  EXPECT_EQ(failed.load(), 0);
  // The stream follows the reloads: the last one shares each GPU 3 ways.
  // Its list may still be on its way to the watcher's thread, which a
  // loaded machine (ThreadSanitizer beside other tests) runs late.
  EXPECT_TRUE(watcher->WaitForList(
      [](const v1beta1::ListAndWatchResponse& list) { return list.devices_size() == 24; },
      std::chrono::seconds(10)));
  EXPECT_GT(watcher->ListsReceived(), 1u);
  ASSERT_TRUE(plugin_->running());
  EXPECT_EQ(Terminate(), 0);
}

}  // namespace
}  // namespace gpulet::testing
