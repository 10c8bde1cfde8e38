#include "sched/ledger.h"

#include <atomic>
#include <map>
#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "sched/fgd_policy.h"
#include "sched/paper_baselines.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using testing::MakeNode;
using testing::Pod;

std::vector<NodeState> SmallCluster() {
  std::vector<NodeState> nodes;
  for (int i = 0; i < 6; ++i) {
    nodes.push_back(i % 2 ? MakeNode({1000, 1000}, 16000, 0, 65536)
                          : MakeNode({1000, 1000, 1000, 1000}, 32000, 0, 65536));
  }
  return nodes;
}

TEST(LedgerTest, StaleDecisionIsAbortedAndChangesNothing) {
  Ledger ledger(SmallCluster());
  std::shared_ptr<const Snapshot> seen = ledger.snapshot();
  PodRequest pod = Pod(1000, 1, 600);
  ASSERT_THAT(ledger.Commit(pod, {0, 0b0001}, seen->nodes[0]->version), IsOk());
  // A second decider that read the same snapshot picks the same GPU.
  EXPECT_THAT(ledger.Commit(pod, {0, 0b0001}, seen->nodes[0]->version),
              StatusIs(absl::StatusCode::kAborted, ::testing::HasSubstr("again")));
  EXPECT_EQ(ledger.snapshot()->nodes[0]->gpu_free[0], 400);
  EXPECT_EQ(seen->nodes[0]->gpu_free[0], 1000);  // old snapshot unchanged
}

TEST(LedgerTest, CommitAllPlacesEveryPodOrNone) {
  Ledger ledger(SmallCluster());
  std::shared_ptr<const Snapshot> seen = ledger.snapshot();
  PodRequest pod = Pod(1000, 2, 1000);
  absl::flat_hash_map<int, uint64_t> versions{
      {0, seen->nodes[0]->version}, {2, seen->nodes[2]->version}};
  // Three pods on node 0 do not fit (four GPUs): nothing is taken anywhere.
  std::vector<Ledger::PlannedPod> too_many{
      {pod, {2, 0b0011}}, {pod, {0, 0b0011}}, {pod, {0, 0b1100}},
      {pod, {0, 0b0011}}};
  EXPECT_THAT(ledger.CommitAll(too_many, versions),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ledger.snapshot()->generation, seen->generation);
  // Two on node 0 and one on node 2 fit together.
  ASSERT_OK_AND_ASSIGN(
      std::vector<uint64_t> ids,
      ledger.CommitAll({{pod, {0, 0b0011}}, {pod, {0, 0b1100}}, {pod, {2, 0b0011}}},
                       versions));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ledger.snapshot()->nodes[0]->fully_free_gpus(), 0);
  EXPECT_EQ(ledger.snapshot()->nodes[2]->fully_free_gpus(), 2);
  // The plan was made on versions that are now stale.
  EXPECT_THAT(ledger.CommitAll({{pod, {2, 0b1100}}}, versions),
              StatusIs(absl::StatusCode::kAborted));
  // A node without a seen version is refused as stale too.
  EXPECT_THAT(ledger.CommitAll({{pod, {4, 0b0011}}}, versions),
              StatusIs(absl::StatusCode::kAborted));
  for (uint64_t id : ids) EXPECT_THAT(ledger.Release(id), IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[0]->fully_free_gpus(), 4);
}

TEST(LedgerTest, CommitAndReleaseErrors) {
  Ledger ledger(SmallCluster());
  EXPECT_THAT(ledger.Commit(Pod(1, 1, 100), {9, 1}, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(ledger.Commit(Pod(1, 2, 1000), {1, 0b01}, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  ASSERT_OK_AND_ASSIGN(uint64_t id, ledger.Commit(Pod(1, 1, 100), {1, 0b01}, 0));
  EXPECT_THAT(ledger.Release(id), IsOk());
  EXPECT_THAT(ledger.Release(id),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(ledger.snapshot()->nodes[1]->gpu_free[0], 1000);
}

TEST(LedgerTest, AddNodeAppendsAndCommitsThere) {
  Ledger ledger(SmallCluster());
  int index = ledger.AddNode(MakeNode({1000, 1000}, 8000, 0, 1024));
  EXPECT_EQ(index, 6);
  EXPECT_EQ(ledger.size(), 7);
  ASSERT_THAT(ledger.Commit(Pod(1000, 1, 300), {6, 0b10}, 0), IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[6]->gpu_free[1], 700);
}

TEST(LedgerTest, ReplaceNodeReappliesHoldsAndMasksUnavailableGpus) {
  Ledger ledger(SmallCluster());
  ASSERT_OK_AND_ASSIGN(uint64_t a,
                       ledger.Commit(Pod(1000, 1, 400), {1, 0b01}, 0));
  uint64_t before = ledger.snapshot()->nodes[1]->version;
  // GPU 0 turns unhealthy: it keeps the hold, but offers nothing new.
  ASSERT_THAT(ledger.ReplaceNode(1, MakeNode({1000, 1000}, 16000, 0, 65536),
                                 0b01),
              IsOk());
  std::shared_ptr<const Snapshot> now = ledger.snapshot();
  EXPECT_GT(now->nodes[1]->version, before);
  EXPECT_EQ(now->nodes[1]->gpu_free[0], 0);
  EXPECT_EQ(now->nodes[1]->gpu_free[1], 1000);
  EXPECT_EQ(now->nodes[1]->cpu_free, 15000);
  EXPECT_THAT(ledger.Commit(Pod(1, 1, 100), {1, 0b01}, now->nodes[1]->version),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  // Releasing the hold on the unhealthy GPU keeps it masked.
  ASSERT_THAT(ledger.Release(a), IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[1]->gpu_free[0], 0);
  EXPECT_EQ(ledger.snapshot()->nodes[1]->cpu_free, 16000);
  // Healthy again: all of it is free.
  ASSERT_THAT(ledger.ReplaceNode(1, MakeNode({1000, 1000}, 16000, 0, 65536),
                                 0),
              IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[1]->gpu_free[0], 1000);
}

TEST(LedgerTest, HoldThatNoLongerFitsIsDetachedAndReleasesNothing) {
  Ledger ledger(SmallCluster());
  ASSERT_OK_AND_ASSIGN(uint64_t id,
                       ledger.Commit(Pod(1000, 2, 1000), {0, 0b1100}, 0));
  // The node now reports two GPUs: the hold on GPUs 2 and 3 cannot apply.
  ASSERT_THAT(ledger.ReplaceNode(0, MakeNode({1000, 1000}, 32000, 0, 65536),
                                 0),
              IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[0]->gpu_free_total(), 2000);
  EXPECT_EQ(ledger.snapshot()->nodes[0]->cpu_free, 32000);
  EXPECT_THAT(ledger.Release(id), IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[0]->cpu_free, 32000);
  EXPECT_THAT(ledger.ReplaceNode(9, NodeState{}, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(LedgerTest, HoldRecordsABoundPodOnAnUnavailableGpuAndKeepsItMasked) {
  Ledger ledger(SmallCluster());
  // GPU 1 of node 0 is unhealthy before the ledger learns that a bound pod
  // holds GPUs 0 and 1 there: Commit refuses, Hold records it.
  ASSERT_THAT(ledger.ReplaceNode(0, MakeNode({1000, 1000, 1000, 1000}, 32000,
                                             0, 65536),
                                 0b0010),
              IsOk());
  PodRequest bound = Pod(1000, 2, 1000);
  uint64_t version = ledger.snapshot()->nodes[0]->version;
  EXPECT_THAT(ledger.Commit(bound, {0, 0b0011}, version),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  ASSERT_OK_AND_ASSIGN(uint64_t id, ledger.Hold(bound, {0, 0b0011}));
  std::shared_ptr<const Snapshot> now = ledger.snapshot();
  EXPECT_GT(now->nodes[0]->version, version);
  EXPECT_EQ(now->nodes[0]->gpu_free[0], 0);
  EXPECT_EQ(now->nodes[0]->gpu_free[1], 0);
  EXPECT_EQ(now->nodes[0]->gpu_free_total(), 2000);
  EXPECT_EQ(now->nodes[0]->cpu_free, 31000);
  // GPU 1 recovers: it is still the bound pod's, not free.
  ASSERT_THAT(ledger.ReplaceNode(0, MakeNode({1000, 1000, 1000, 1000}, 32000,
                                             0, 65536),
                                 0),
              IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[0]->gpu_free[1], 0);
  // A second pod on the same GPUs does not fit; out of range is refused.
  EXPECT_THAT(ledger.Hold(bound, {0, 0b0011}),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT(ledger.Hold(bound, {9, 0b0011}),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  ASSERT_THAT(ledger.Release(id), IsOk());
  EXPECT_EQ(ledger.snapshot()->nodes[0]->gpu_free_total(), 4000);
}

void ExpectSane(const Snapshot& snapshot) {
  for (const auto& node : snapshot.nodes) {
    EXPECT_GE(node->cpu_free, 0);
    EXPECT_GE(node->memory_free, 0);
    EXPECT_LE(node->cpu_free, node->cpu_capacity);
    for (int g = 0; g < node->gpu_count; ++g) {
      EXPECT_GE(node->gpu_free[g], 0);
      EXPECT_LE(node->gpu_free[g], kMilliPerGpu);
    }
  }
}

// Deciders race on few nodes with commit and release; a checker reads
// snapshots meanwhile. At the end the ledger's state must equal the sum of
// what is still held: no share handed out twice, nothing lost.
TEST(LedgerConcurrencyTest, ConcurrentDecideCommitReleaseKeepsInvariants) {
  Ledger ledger(SmallCluster());
  constexpr int kThreads = 4;
  constexpr int kOps = 400;
  std::atomic<bool> done{false};
  std::vector<std::map<uint64_t, std::pair<PodRequest, Placement>>> held(kThreads);
  std::thread checker([&] {
    while (!done.load()) ExpectSane(*ledger.snapshot());
  });
  std::vector<std::thread> deciders;
  for (int t = 0; t < kThreads; ++t) {
    deciders.emplace_back([&, t] {
      Rng rng(t);
      std::unique_ptr<Policy> policy;
      if (t % 2) {
        policy = std::make_unique<BestFitPolicy>(t);
      } else {
        policy = std::make_unique<FgdPolicy>(
            TargetWorkload::FromShapes({{1000, 500, 1, 0, 1.0}}),
            FgdOptions{true, false}, t);
      }
      static constexpr int kMilli[] = {300, 500, 700, 1000};
      for (int i = 0; i < kOps; ++i) {
        PodRequest pod = Pod(1000, 1, kMilli[UniformIndex(rng, 4)]);
        absl::StatusOr<uint64_t> id = PlaceWithRetry(ledger, *policy, pod, 64);
        if (id.ok()) held[t][*id] = {pod, {}};
        if (!held[t].empty() && UniformIndex(rng, 3) == 0) {
          auto it = held[t].begin();
          EXPECT_THAT(ledger.Release(it->first), IsOk());
          held[t].erase(it);
        }
      }
    });
  }
  for (std::thread& d : deciders) d.join();
  done.store(true);
  checker.join();
  std::shared_ptr<const Snapshot> end = ledger.snapshot();
  ExpectSane(*end);
  int64_t held_milli = 0, held_cpu = 0;
  for (const auto& per_thread : held) {
    for (const auto& [id, entry] : per_thread) {
      held_milli += entry.first.total_gpu_milli();
      held_cpu += entry.first.cpu_milli;
    }
  }
  int64_t used_milli = 0, used_cpu = 0;
  for (const auto& node : end->nodes) {
    used_milli += node->gpu_used_total();
    used_cpu += node->cpu_capacity - node->cpu_free;
  }
  EXPECT_EQ(used_milli, held_milli);
  EXPECT_EQ(used_cpu, held_cpu);
}

}  // namespace
}  // namespace gpulet::sched
