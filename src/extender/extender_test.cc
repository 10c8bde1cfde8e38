#include "extender/extender.h"

#include "base/status_matchers.h"
#include "extender/test_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "handoff/pod_decision.h"

namespace gpulet::extender {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeClusterApi;
using testing::NodeObject;
using testing::PodObject;

class ExtenderTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(FilterMode::kSingle); }

  void Make(FilterMode mode, const std::string& policy = "binpack") {
    ExtenderOptions options;
    options.filter_mode = mode;
    options.policy = policy;
    options.reservation_ttl = std::chrono::seconds(30);
    ASSERT_OK_AND_ASSIGN(extender_,
                         Extender::Create(options, &model_, &api_, &metrics_));
    extender_->SetClocksForTest([this] { return now_; },
                                [] { return int64_t{1700000000}; });
  }

  void AddNodes(int count, int gpus) {
    for (int i = 0; i < count; ++i) {
      ASSERT_OK(model_.UpsertNode(NodeObject("n" + std::to_string(i), gpus)));
    }
  }

  // Also stores the pod in the fake API server, which has every pod
  // kube-scheduler filters.
  ExtenderArgs Args(const nlohmann::json& pod,
                    std::vector<std::string> names) {
    if (pod.contains("metadata")) api_.AddPod(pod);
    ExtenderArgs args;
    args.pod = pod;
    args.node_names = std::move(names);
    return args;
  }

  int64_t UsedMilli() { return testing::UsedGpuMilli(model_); }

  ClusterModel model_;
  FakeClusterApi api_;
  ExtenderMetrics metrics_;
  std::unique_ptr<Extender> extender_;
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
};

TEST_F(ExtenderTest, FilterChoosesOneNodeAndReservesIt) {
  AddNodes(3, 2);
  ExtenderFilterResult result =
      extender_->Filter(Args(PodObject("p", 1), {"n0", "n1", "n2"}));
  EXPECT_EQ(result.error, "");
  ASSERT_TRUE(result.node_names.has_value());
  ASSERT_EQ(result.node_names->size(), 1u);
  EXPECT_TRUE(result.failed_nodes.empty());  // not chosen is not failed
  EXPECT_EQ(extender_->grants().State("uid-p"), GrantState::kReserved);
  EXPECT_EQ(UsedMilli(), 1000);
  EXPECT_EQ(metrics_.decisions("filter", "placed"), 1);
}

TEST_F(ExtenderTest, BindPatchesTheDecisionThenBinds) {
  AddNodes(2, 2);
  ExtenderFilterResult result =
      extender_->Filter(Args(PodObject("p", 1, 500), {"n0", "n1"}));
  ASSERT_EQ(result.node_names->size(), 1u);
  std::string node = (*result.node_names)[0];
  ExtenderBindingResult bound =
      extender_->Bind({"p", "default", "uid-p", node});
  EXPECT_EQ(bound.error, "");
  EXPECT_THAT(api_.calls, ElementsAre("patch default/p", "bind default/p"));
  auto& annotations = api_.patched["default/p"];
  EXPECT_EQ(annotations[std::string(handoff::kBindPhaseAnnotation)],
            "allocating");
  EXPECT_EQ(annotations[std::string(handoff::kBindTimeAnnotation)],
            "1700000000");
  ASSERT_OK_AND_ASSIGN(
      handoff::PodDecision decision,
      handoff::DecodePodDecision(
          annotations[std::string(handoff::kDecisionAnnotation)]));
  EXPECT_EQ(decision.node, node);
  ASSERT_EQ(decision.containers.size(), 1u);
  ASSERT_EQ(decision.containers[0].gpus.size(), 1u);
  EXPECT_THAT(decision.containers[0].gpus[0].uuid,
              HasSubstr("GPU-" + node + "-"));
  EXPECT_EQ(decision.containers[0].gpus[0].milli, 500);
  EXPECT_EQ(extender_->grants().State("uid-p"), GrantState::kBound);
  // A bound grant outlives the TTL.
  now_ += std::chrono::minutes(5);
  EXPECT_EQ(extender_->ReleaseExpired(), 0);
  EXPECT_EQ(UsedMilli(), 500);
}

TEST_F(ExtenderTest, GpuMemoryIsCountedAsMilliOfTheGpu) {
  ASSERT_OK(model_.UpsertNode(NodeObject("n0", 1, 80000)));
  ASSERT_EQ(extender_->Filter(Args(PodObject("a", 1, 0, 30000), {"n0"}))
                .node_names->size(),
            1u);
  EXPECT_EQ(UsedMilli(), 375);  // ceil(30000 * 1000 / 80000)
  // 60000 MiB more would be 750 milli: it no longer fits.
  ExtenderFilterResult full =
      extender_->Filter(Args(PodObject("b", 1, 0, 60000), {"n0"}));
  EXPECT_TRUE(full.node_names->empty());
  EXPECT_THAT(full.failed_nodes["n0"], HasSubstr("not enough free GPU"));
}

TEST_F(ExtenderTest, UnhealthyGpusAreNeverChosen) {
  ASSERT_OK(model_.UpsertNode(NodeObject("n0", 2, 81920, {0})));
  ExtenderFilterResult first =
      extender_->Filter(Args(PodObject("a", 1), {"n0"}));
  ASSERT_EQ(first.node_names->size(), 1u);
  ASSERT_OK(extender_->Bind({"a", "default", "uid-a", "n0"}).error.empty()
                ? absl::OkStatus()
                : absl::InternalError("bind failed"));
  ASSERT_OK_AND_ASSIGN(
      handoff::PodDecision decision,
      handoff::DecodePodDecision(api_.patched["default/a"][std::string(
          handoff::kDecisionAnnotation)]));
  EXPECT_EQ(decision.containers[0].gpus[0].uuid, "GPU-n0-1");
  EXPECT_TRUE(
      extender_->Filter(Args(PodObject("b", 1), {"n0"})).node_names->empty());
}

TEST_F(ExtenderTest, NodesWithoutGpusOrUnknownAreFailedWithAReason) {
  AddNodes(1, 1);
  ASSERT_OK(model_.UpsertNode(NodeObject("cpu", 0)));
  ExtenderFilterResult result =
      extender_->Filter(Args(PodObject("p", 1), {"n0", "cpu", "ghost"}));
  EXPECT_THAT(*result.node_names, ElementsAre("n0"));
  EXPECT_THAT(result.failed_nodes["cpu"], HasSubstr("gpulet.io/gpus"));
  EXPECT_THAT(result.failed_nodes["ghost"], HasSubstr("unknown"));
}

TEST_F(ExtenderTest, PodsWithoutGpusPassThrough) {
  AddNodes(2, 1);
  nlohmann::json pod = PodObject("cpu-only", 0);
  pod["spec"]["containers"][0]["resources"]["limits"] = nlohmann::json::object();
  ExtenderFilterResult result = extender_->Filter(Args(pod, {"n0", "n1", "x"}));
  EXPECT_THAT(*result.node_names, ElementsAre("n0", "n1", "x"));
  EXPECT_EQ(extender_->grants().size(), 0);
}

TEST_F(ExtenderTest, NodeListModeAnswersTheFilteredList) {
  AddNodes(2, 1);
  ExtenderArgs args;
  args.pod = PodObject("p", 1);
  args.nodes = nlohmann::json{
      {"items", {NodeObject("n0", 1), NodeObject("n1", 1)}}};
  ExtenderFilterResult result = extender_->Filter(args);
  EXPECT_FALSE(result.node_names.has_value());
  ASSERT_TRUE(result.nodes.has_value());
  ASSERT_EQ((*result.nodes)["items"].size(), 1u);
}

TEST_F(ExtenderTest, AllModeKeepsFeasibleNodesAndPrioritizeRanksTheReservedFirst) {
  Make(FilterMode::kAll);
  AddNodes(3, 1);
  ExtenderFilterResult result =
      extender_->Filter(Args(PodObject("p", 1, 500), {"n0", "n1", "n2"}));
  EXPECT_EQ(result.node_names->size(), 3u);
  ASSERT_OK_AND_ASSIGN(
      std::vector<HostPriority> scores,
      extender_->Prioritize(Args(PodObject("p", 1, 500), {"n0", "n1", "n2"})));
  std::optional<Grant> grant = extender_->grants().Get("uid-p");
  ASSERT_TRUE(grant.has_value());
  for (const HostPriority& score : scores) {
    if (score.host == grant->decision.node) {
      EXPECT_EQ(score.score, 10);
    } else {
      EXPECT_EQ(score.score, 1);
    }
  }
}

TEST_F(ExtenderTest, ExpiredReservationsAreReleasedAndCounted) {
  AddNodes(1, 1);
  ASSERT_EQ(
      extender_->Filter(Args(PodObject("p", 1), {"n0"})).node_names->size(),
      1u);
  now_ += std::chrono::seconds(29);
  EXPECT_EQ(extender_->ReleaseExpired(), 0);
  now_ += std::chrono::seconds(2);
  EXPECT_EQ(extender_->ReleaseExpired(), 1);
  EXPECT_EQ(UsedMilli(), 0);
  EXPECT_EQ(metrics_.releases("expired"), 1);
}

TEST_F(ExtenderTest, RefilteringReleasesTheEarlierReservation) {
  AddNodes(1, 1);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  ExtenderFilterResult again = extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  EXPECT_EQ(again.node_names->size(), 1u);
  EXPECT_EQ(UsedMilli(), 1000);
  EXPECT_EQ(metrics_.releases("refiltered"), 1);
}

TEST_F(ExtenderTest, BadFilterRequestsGetAnErrorAndReserveNothing) {
  AddNodes(1, 1);
  EXPECT_THAT(extender_->Filter(ExtenderArgs{}).error, HasSubstr("no Pod"));
  ExtenderArgs no_nodes;
  no_nodes.pod = PodObject("p", 1);
  EXPECT_THAT(extender_->Filter(no_nodes).error,
              HasSubstr("neither NodeNames nor Nodes"));
  nlohmann::json bad = PodObject("p", 1);
  bad["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "lots";
  EXPECT_THAT(extender_->Filter(Args(bad, {"n0"})).error, HasSubstr("cpu"));
  nlohmann::json no_uid = PodObject("p", 1);
  no_uid["metadata"].erase("uid");
  EXPECT_THAT(extender_->Filter(Args(no_uid, {"n0"})).error, HasSubstr("uid"));
  // Fields of the wrong type are errors that name the container, never
  // exceptions.
  nlohmann::json numbered = PodObject("p", 1);
  numbered["spec"]["containers"][0]["name"] = 7;
  numbered["spec"]["containers"][0]["resources"]["requests"]["memory"] = true;
  EXPECT_THAT(extender_->Filter(Args(numbered, {"n0"})).error,
              AllOf(HasSubstr("container \"#0\""), HasSubstr("memory")));
  nlohmann::json milli = PodObject("p", 1, 1500);
  EXPECT_NE(extender_->Filter(Args(milli, {"n0"})).error, "");
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(UsedMilli(), 0);
}

class BindFailureTest : public ExtenderTest {};

TEST_F(BindFailureTest, PatchFailureReleasesTheReservation) {
  AddNodes(1, 1);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  api_.patch_error = absl::UnavailableError("API server down");
  ExtenderBindingResult result = extender_->Bind({"p", "default", "uid-p", "n0"});
  EXPECT_THAT(result.error, HasSubstr("API server down"));
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(UsedMilli(), 0);
  EXPECT_TRUE(api_.bound.empty());
  EXPECT_EQ(metrics_.failures("bind", "patch-failed"), 1);
}

TEST_F(BindFailureTest, BindingFailureReleasesTheReservation) {
  AddNodes(1, 1);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  api_.bind_error = absl::DeadlineExceededError("timed out");
  ExtenderBindingResult result = extender_->Bind({"p", "default", "uid-p", "n0"});
  EXPECT_THAT(result.error, HasSubstr("timed out"));
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(UsedMilli(), 0);
  EXPECT_EQ(metrics_.failures("bind", "binding-failed"), 1);
}

TEST_F(BindFailureTest, UnknownNodeAndMissingFields) {
  AddNodes(1, 1);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  EXPECT_THAT(extender_->Bind({"p", "default", "uid-p", "ghost"}).error,
              HasSubstr("unknown"));
  EXPECT_THAT(extender_->Bind({"", "default", "uid-p", "n0"}).error,
              HasSubstr("PodName"));
  // The reservation is untouched by requests that named no real target.
  EXPECT_EQ(extender_->grants().State("uid-p"), GrantState::kReserved);
}

TEST_F(BindFailureTest, ReservationOnAnotherNodeIsDecidedAgainOnTheBindNode) {
  AddNodes(2, 1);
  // Reserved on n0, but kube-scheduler (all mode) picks n1.
  extender_->Filter(Args(PodObject("q", 1), {"n0"}));
  ExtenderBindingResult result = extender_->Bind({"q", "default", "uid-q", "n1"});
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(api_.bound["default/q"], "n1");
  EXPECT_EQ(model_.ledger().snapshot()->nodes[1]->gpu_used_total(), 1000);
  EXPECT_EQ(metrics_.releases("bound-elsewhere"), 1);
  // A pod deleted between /filter and /bind: Error, nothing held.
  extender_->Filter(Args(PodObject("r", 1), {"n0"}));
  api_.pods.erase("default/r");
  EXPECT_THAT(extender_->Bind({"r", "default", "uid-r", "n0"}).error,
              HasSubstr("no such pod"));
  EXPECT_EQ(metrics_.failures("bind", "no-such-pod"), 1);
  EXPECT_EQ(UsedMilli(), 2000);  // the watch gives r's reservation back
  extender_->OnPodEvent("DELETED", PodObject("r", 1));
  // No room left on n1.
  extender_->Filter(Args(PodObject("s", 1), {"n0"}));
  EXPECT_THAT(extender_->Bind({"s", "default", "uid-s", "n1"}).error,
              HasSubstr("fits"));
  EXPECT_EQ(UsedMilli(), 1000);
}

TEST_F(BindFailureTest, PodsNeverFilteredHereAreRefused) {
  AddNodes(1, 1);
  // The pod exists, with or without GPUs, but /filter never saw it.
  api_.AddPod(PodObject("gpu", 1));
  api_.AddPod(PodObject("cpu", 0));
  for (const std::string pod : {"gpu", "cpu"}) {
    EXPECT_THAT(extender_->Bind({pod, "default", "uid-" + pod, "n0"}).error,
                HasSubstr("never filtered"));
  }
  EXPECT_EQ(metrics_.failures("bind", "refused"), 2);
  EXPECT_TRUE(api_.calls.empty());
  EXPECT_EQ(UsedMilli(), 0);
}

TEST_F(BindFailureTest, ForgedUidsAndBoundPodsAreRefusedAndLeaveGrantsAlone) {
  AddNodes(1, 2);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  // Another UID than the one filtered: not this extender's decision.
  EXPECT_THAT(extender_->Bind({"p", "default", "uid-forged", "n0"}).error,
              HasSubstr("never filtered"));
  // The pod was recreated under the same name since /filter.
  api_.pods["default/p"]["metadata"]["uid"] = "uid-new";
  EXPECT_THAT(extender_->Bind({"p", "default", "uid-p", "n0"}).error,
              HasSubstr("uid-new"));
  EXPECT_EQ(extender_->grants().State("uid-p"), GrantState::kReserved);
  EXPECT_TRUE(api_.calls.empty());
  api_.pods["default/p"]["metadata"]["uid"] = "uid-p";
  ASSERT_EQ(extender_->Bind({"p", "default", "uid-p", "n0"}).error, "");
  // Bound now: a second /bind changes nothing.
  EXPECT_THAT(extender_->Bind({"p", "default", "uid-p", "n0"}).error,
              HasSubstr("already bound to n0"));
  EXPECT_EQ(extender_->grants().State("uid-p"), GrantState::kBound);
  EXPECT_EQ(metrics_.failures("bind", "already-bound"), 1);
  EXPECT_EQ(api_.calls.size(), 2u);
}

TEST_F(BindFailureTest, ExpiredReservationIsDecidedAgainAtBind) {
  AddNodes(1, 1);
  extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  now_ += std::chrono::minutes(1);
  api_.pods["default/p"] = PodObject("p", 1);
  EXPECT_EQ(extender_->Bind({"p", "default", "uid-p", "n0"}).error, "");
  EXPECT_EQ(UsedMilli(), 1000);
  EXPECT_EQ(metrics_.releases("expired"), 1);
}

TEST_F(ExtenderTest, PodEventsHoldAndReleaseGrants) {
  AddNodes(1, 2);
  // A pod bound by an earlier run of the extender, seen through the watch.
  handoff::PodDecision decision{"n0", 1, {{"main", {{"GPU-n0-1", 1, 500, 0}}}}};
  nlohmann::json pod = PodObject("seen", 1, 500);
  pod["spec"]["nodeName"] = "n0";
  pod["metadata"]["annotations"][std::string(handoff::kDecisionAnnotation)] =
      handoff::EncodePodDecision(decision);
  extender_->OnPodEvent("ADDED", pod);
  EXPECT_EQ(extender_->grants().State("uid-seen"), GrantState::kBound);
  EXPECT_EQ(model_.ledger().snapshot()->nodes[0]->gpu_free[1], 500);
  extender_->OnPodEvent("MODIFIED", pod);  // idempotent
  EXPECT_EQ(UsedMilli(), 500);
  // Whole GPUs without a decision hold the lowest free GPU.
  nlohmann::json other = PodObject("other", 1);
  other["spec"]["nodeName"] = "n0";
  extender_->OnPodEvent("ADDED", other);
  EXPECT_EQ(model_.ledger().snapshot()->nodes[0]->gpu_free[0], 0);
  pod["status"]["phase"] = "Succeeded";
  extender_->OnPodEvent("MODIFIED", pod);
  extender_->OnPodEvent("DELETED", other);
  EXPECT_EQ(UsedMilli(), 0);
  EXPECT_EQ(metrics_.releases("pod-finished"), 1);
  EXPECT_EQ(metrics_.releases("pod-deleted"), 1);
}

// A restarted extender learns the cluster from its lists: the node (whose
// GPU 1 turned unhealthy) first, then a pod bound to GPUs 0 and 1. The pod
// must hold both, so no new pod is granted GPU 0 or GPU 1.
TEST_F(ExtenderTest, RestartHoldsBoundPodsOnUnhealthyGpus) {
  ASSERT_OK(model_.UpsertNode(NodeObject("n0", 4, 81920, {1})));
  handoff::PodDecision decision{
      "n0", 1, {{"main", {{"GPU-n0-0", 0, 1000, 0}, {"GPU-n0-1", 1, 1000, 0}}}}};
  nlohmann::json running = PodObject("running", 2);
  running["spec"]["nodeName"] = "n0";
  running["metadata"]["annotations"][std::string(handoff::kDecisionAnnotation)] =
      handoff::EncodePodDecision(decision);
  extender_->OnPodEvent("ADDED", running);
  EXPECT_EQ(extender_->grants().State("uid-running"), GrantState::kBound);
  EXPECT_EQ(metrics_.failures("watch", "grant-does-not-fit"), 0);
  ExtenderFilterResult three =
      extender_->Filter(Args(PodObject("three", 3), {"n0"}));
  EXPECT_TRUE(three.node_names->empty());
  EXPECT_THAT(three.failed_nodes["n0"], HasSubstr("not enough free GPU"));
  ExtenderFilterResult two = extender_->Filter(Args(PodObject("two", 2), {"n0"}));
  ASSERT_THAT(*two.node_names, ElementsAre("n0"));
  std::optional<Grant> grant = extender_->grants().Get("uid-two");
  ASSERT_TRUE(grant.has_value());
  ASSERT_EQ(grant->decision.containers.size(), 1u);
  std::vector<int> indices;
  for (const handoff::GpuGrant& gpu : grant->decision.containers[0].gpus) {
    indices.push_back(gpu.index);
  }
  EXPECT_THAT(indices, ::testing::UnorderedElementsAre(2, 3));
  // GPU 1 recovers while the pod still runs: still not free.
  ASSERT_OK(model_.UpsertNode(NodeObject("n0", 4)));
  EXPECT_EQ(model_.ledger().snapshot()->nodes[0]->gpu_free_total(), 0);
}

// A pod created, bound and deleted while the pod watch was down never
// shows in the watch, not even as deleted: its grant is looked up in the
// API server once a TTL has passed.
TEST_F(ExtenderTest, GrantsOfPodsTheWatchNeverShowedAreCheckedAndReleased) {
  AddNodes(1, 2);
  for (const std::string pod : {"gone", "alive"}) {
    extender_->Filter(Args(PodObject(pod, 1), {"n0"}));
    ASSERT_EQ(extender_->Bind({pod, "default", "uid-" + pod, "n0"}).error, "");
  }
  api_.pods.erase("default/gone");
  EXPECT_EQ(extender_->ReleaseExpired(), 0);  // within the TTL: not yet
  now_ += std::chrono::seconds(31);
  EXPECT_EQ(extender_->ReleaseExpired(), 1);
  EXPECT_FALSE(extender_->grants().State("uid-gone").has_value());
  EXPECT_EQ(metrics_.releases("pod-gone"), 1);
  EXPECT_EQ(UsedMilli(), 1000);
  // The live pod stays held; an API error postpones the look-up, and once
  // the watch shows the pod it is never looked up again.
  api_.get_error = absl::UnavailableError("down");
  now_ += std::chrono::seconds(31);
  EXPECT_EQ(extender_->ReleaseExpired(), 0);
  EXPECT_EQ(extender_->grants().State("uid-alive"), GrantState::kBound);
  EXPECT_FALSE(extender_->grants().Get("uid-alive")->watched);
  nlohmann::json alive = api_.pods["default/alive"];
  extender_->OnPodEvent("MODIFIED", alive);
  EXPECT_TRUE(extender_->grants().Get("uid-alive")->watched);
  api_.get_error = absl::OkStatus();
  api_.pods.erase("default/alive");  // deleted; the watch reports it
  now_ += std::chrono::seconds(31);
  EXPECT_EQ(extender_->ReleaseExpired(), 0);
  extender_->OnPodEvent("DELETED", alive);
  EXPECT_EQ(UsedMilli(), 0);
}

TEST_F(ExtenderTest, DeletedNodeOffersNothing) {
  AddNodes(1, 1);
  model_.RemoveNode("n0");
  ExtenderFilterResult result = extender_->Filter(Args(PodObject("p", 1), {"n0"}));
  EXPECT_TRUE(result.node_names->empty());
  EXPECT_THAT(result.failed_nodes["n0"], HasSubstr("deleted"));
  ASSERT_OK(model_.UpsertNode(NodeObject("n0", 1)));
  EXPECT_EQ(extender_->Filter(Args(PodObject("p", 1), {"n0"})).node_names->size(),
            1u);
}

TEST(ExtenderCreateTest, UnknownPolicyIsRefused) {
  ClusterModel model;
  FakeClusterApi api;
  ExtenderMetrics metrics;
  ExtenderOptions options;
  options.policy = "nonsense";
  EXPECT_THAT(Extender::Create(options, &model, &api, &metrics),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("nonsense")));
}

}  // namespace
}  // namespace gpulet::extender
