// A concurrency stress test of the health monitor, for ThreadSanitizer:
// XIDs, ECC errors and lost/restored GPUs injected while readers load
// snapshots, subscribers come and go, the clock moves for recoveries, and
// finally Stop() runs under all of it.
#include <atomic>
#include <random>
#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "health/fake_clock.h"
#include "health/health_monitor.h"
#include "resources/testing/mock_node.h"

namespace gpulet::health {
namespace {

using namespace std::chrono_literals;
using ::gpulet::testing::MockNode;

TEST(HealthStressTest, EventsReadersSubscribersAndStop) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MockNode> node, MockNode::Open("dgx-a100-mig"));
  FakeClock clock;
  HealthMonitorOptions options;
  options.wait_timeout = 2ms;
  options.probe_interval = 1ms;
  options.recovery_window = 10ms;
  options.clock = &clock;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<HealthMonitor> monitor,
                       HealthMonitor::Start(node->nvml(), node->inventory(), options));
  std::atomic<bool> done{false};
  std::atomic<uint64_t> callbacks{0};
  std::vector<std::thread> threads;

  threads.emplace_back([&] {  // injector
    std::mt19937 rng(7);
    const char* kinds[] = {"xid %d 48", "xid %d 13", "ecc %d double", "lost %d", "restore %d"};
    for (int i = 0; !done; ++i) {
      char line[64];
      snprintf(line, sizeof line, kinds[rng() % 5], static_cast<int>(rng() % 8));
      node->Control(line);
      if (i % 4 == 0) node->Control("xid " + node->inventory()->gpus[2].mig_devices[i % 7].uuid + " 94");
      std::this_thread::sleep_for(1ms);
    }
    for (int g = 0; g < 8; ++g) node->Control("restore " + std::to_string(g));
  });
  threads.emplace_back([&] {  // time for recoveries
    while (!done) {
      clock.Advance(3ms);
      std::this_thread::sleep_for(1ms);
    }
  });
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {  // readers: versions never go back
      uint64_t last = 0;
      while (!done) {
        std::shared_ptr<const HealthSnapshot> s = monitor->Snapshot();
        EXPECT_GE(s->version(), last);
        last = s->version();
        size_t unhealthy = 0;
        for (const auto& [uuid, health] : s->devices()) unhealthy += !health.healthy;
        EXPECT_LE(unhealthy, s->devices().size());
        monitor->feed()->WaitForNewerThan(last, 1ms);
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {  // subscribers come and go
      while (!done) {
        std::atomic<uint64_t> mine{0};
        HealthFeed::Subscription s = monitor->feed()->Subscribe([&](uint64_t v) {
          mine.store(v);
          callbacks.fetch_add(1);
        });
        std::this_thread::sleep_for(2ms);
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  monitor->Stop();  // while everything still runs
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_GT(monitor->Snapshot()->version(), 10u);
  EXPECT_GT(callbacks.load(), 0u);
}

}  // namespace
}  // namespace gpulet::health
