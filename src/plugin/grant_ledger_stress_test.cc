// Concurrent Allocates against one GrantLedger, without gRPC in the loop so
// ThreadSanitizer sees every access: each container grant is handed out
// exactly once while a watcher thread keeps replacing and updating the
// pods, and every pod ends with its full count and bind phase success.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "plugin/grant_ledger.h"
#include "plugin/handoff_backend.h"
#include "plugin/pod_patch_queue.h"
#include "plugin/testing/fake_handoff_api.h"
#include "plugin/testing/pending_pods.h"
#include "plugin/testing/recording_backend.h"

namespace gpulet::plugin {
namespace {

constexpr int kPods = 1000;
constexpr int kContainers = 3;
constexpr int kThreads = 8;
constexpr int kGpus = 8;

std::vector<PendingPod> Pods() {
  std::vector<PendingPod> pods;
  for (int p = 0; p < kPods; ++p) {
    std::vector<std::vector<handoff::GpuGrant>> containers;
    for (int c = 0; c < kContainers; ++c) containers.push_back({testing::Whole((p + c) % kGpus)});
    pods.push_back(testing::MakePod("p" + std::to_string(p), p % 7, std::move(containers)));
  }
  return pods;
}

TEST(GrantLedgerStressTest, ConcurrentClaimsConsumeEachGrantOnce) {
  GrantLedger ledger;
  ledger.Replace(Pods());
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    std::vector<PendingPod> pods = Pods();
    for (int round = 0; !done.load(); ++round) {
      if (round % 2 == 0) {
        ledger.Replace(pods);
      } else {
        ledger.Upsert(pods[round % kPods]);
      }
    }
  });
  std::mutex mu;
  std::map<std::pair<std::string, size_t>, int> claimed;
  std::vector<std::thread> threads;
  GrantFits any = [](const handoff::ContainerGrant&) { return true; };
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (std::optional<GrantClaim> claim = ledger.Claim(1, any)) {
        std::lock_guard<std::mutex> lock(mu);
        ++claimed[{claim->uid, claim->container}];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done = true;
  watcher.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kPods * kContainers));
  for (const auto& [key, count] : claimed) {
    EXPECT_EQ(count, 1) << key.first << " container " << key.second;
  }
  EXPECT_EQ(ledger.pending(), 0u);
}

TEST(GrantLedgerStressTest, ConcurrentAllocatesThroughTheBackendRecordEveryPod) {
  auto ledger = std::make_shared<GrantLedger>();
  ledger->Replace(Pods());
  testing::FakeHandoffApi api;
  PodPatchQueue queue(&api, std::chrono::milliseconds(1), std::chrono::milliseconds(5));
  std::vector<std::string> ids;
  for (int g = 0; g < kGpus; ++g) ids.push_back(testing::Uuid(g));
  auto inner = std::make_shared<testing::RecordingBackend>();
  HandoffBackend backend("nvidia.com/gpu", inner, ids,
                         {ledger, [&queue](const GrantClaim& c) { queue.Served(c); }, nullptr});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPods * kContainers / kThreads + 10; ++i) {
        absl::StatusOr<v1beta1::ContainerAllocateResponse> response =
            backend.Allocate({ids[(t + i) % kGpus]});
        ASSERT_TRUE(response.ok()) << response.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ledger->pending(), 0u);
  // Every decided Allocate named exactly its granted GPU; the rest (more
  // calls than grants) fell back to the kubelet's choice.
  EXPECT_EQ(inner->allocations().size(),
            static_cast<size_t>(kThreads * (kPods * kContainers / kThreads + 10)));
  ASSERT_TRUE(queue.WaitIdleForTest(std::chrono::seconds(20)));
  for (int p = 0; p < kPods; ++p) {
    std::map<std::string, std::string> annotations =
        api.annotations("pod/default/p" + std::to_string(p));
    EXPECT_EQ(annotations[std::string(handoff::kAllocatedContainersAnnotation)],
              std::to_string(kContainers)) << p;
    EXPECT_EQ(annotations[std::string(handoff::kBindPhaseAnnotation)], "success") << p;
  }
}

}  // namespace
}  // namespace gpulet::plugin
