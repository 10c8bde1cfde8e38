// The extender's gang and queue rules, on the fake cluster API.
#include <atomic>
#include <future>
#include <thread>

#include "base/status_matchers.h"
#include "extender/extender.h"
#include "extender/gang_test_objects.h"
#include "gang/group_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;
using testing::FakeClusterApi;
using testing::GangPod;
using testing::NodeObject;
using testing::QueuePod;
using testing::VolcanoPod;
using testing::VolcanoPodGroup;

class ExtenderGangTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(); }

  void Make() {
    ExtenderOptions options;
    options.policy = "binpack";
    options.gang_timeout = std::chrono::seconds(30);
    options.gang_backoff_initial = std::chrono::seconds(2);
    options.gang_backoff_max = std::chrono::seconds(16);
    options.barrier_capacity = barrier_capacity_;
    ASSERT_OK_AND_ASSIGN(extender_, Extender::Create(options, &model_, &api_,
                                                     &metrics_, &registry_));
    extender_->SetClocksForTest(
        [this] {
          return std::chrono::steady_clock::time_point(
              std::chrono::seconds(now_s_.load()));
        },
        [] { return int64_t{1700000000}; });
  }

  void AddNodes(int count, int gpus) {
    for (int i = 0; i < count; ++i) {
      names_.push_back("n" + std::to_string(i));
      ASSERT_OK(model_.UpsertNode(NodeObject(names_.back(), gpus)));
    }
  }

  // The pod as the watch and the API server have it.
  nlohmann::json Create(nlohmann::json pod) {
    api_.AddPod(pod);
    extender_->OnPodEvent("ADDED", pod);
    return pod;
  }

  std::vector<nlohmann::json> CreateGang(const std::string& group, int size,
                                         int gpus, int min_member = 0,
                                         const std::string& queue = "") {
    std::vector<nlohmann::json> pods;
    for (int i = 0; i < size; ++i) {
      pods.push_back(Create(GangPod(group + "-" + std::to_string(i), gpus,
                                    group, min_member ? min_member : size,
                                    queue)));
    }
    return pods;
  }

  ExtenderFilterResult Filter(const nlohmann::json& pod,
                              std::vector<std::string> names = {}) {
    ExtenderArgs args;
    args.pod = pod;
    args.node_names = names.empty() ? names_ : std::move(names);
    return extender_->Filter(args);
  }

  // Filters the pod and, if a node passed, binds it there.
  ExtenderBindingResult FilterAndBind(const nlohmann::json& pod) {
    ExtenderFilterResult result = Filter(pod);
    if (!result.node_names || result.node_names->empty()) {
      return ExtenderBindingResult{"no node passed"};
    }
    return Bind(pod, result.node_names->front());
  }

  ExtenderBindingResult Bind(const nlohmann::json& pod, const std::string& node) {
    ExtenderBindingArgs args;
    args.pod_name = pod["metadata"]["name"];
    args.pod_namespace = "default";
    args.pod_uid = pod["metadata"]["uid"];
    args.node = node;
    return extender_->Bind(args);
  }

  // Filters every member in turn; the node each passed on.
  std::vector<std::string> FilterAll(const std::vector<nlohmann::json>& gang) {
    std::vector<std::string> nodes;
    for (const auto& pod : gang) nodes.push_back(Filter(pod).node_names->front());
    return nodes;
  }

  // Binds the first `count` members on threads of their own, as
  // kube-scheduler does: they wait at the barrier.
  std::vector<std::future<ExtenderBindingResult>> BindAsync(
      const std::vector<nlohmann::json>& gang, const std::vector<std::string>& nodes,
      int count) {
    std::vector<std::future<ExtenderBindingResult>> binds;
    for (int i = 0; i < count; ++i) {
      binds.push_back(std::async(std::launch::async,
                                 [this, &gang, &nodes, i] { return Bind(gang[i], nodes[i]); }));
    }
    return binds;
  }

  void ExpectNothingHeldOrBound() {
    EXPECT_EQ(UsedMilli(), 0);
    std::lock_guard<std::mutex> lock(api_.mu_);
    EXPECT_TRUE(api_.bound.empty());
  }

  // The bound pod, as the watch shows it once bound.
  void ShowBound(nlohmann::json pod, const std::string& node) {
    pod["spec"]["nodeName"] = node;
    pod["status"]["phase"] = "Running";
    extender_->OnPodEvent("MODIFIED", pod);
  }

  int64_t UsedMilli() { return testing::UsedGpuMilli(model_); }

  static std::string AnyReason(const ExtenderFilterResult& result) {
    return result.failed_nodes.empty() ? "" : result.failed_nodes.begin()->second;
  }

  ClusterModel model_;
  FakeClusterApi api_;
  ExtenderMetrics metrics_;
  gang::GroupRegistry registry_;
  std::unique_ptr<Extender> extender_;
  std::vector<std::string> names_;
  std::atomic<int64_t> now_s_{1000};
  int barrier_capacity_ = 96;
};

TEST_F(ExtenderGangTest, FirstMemberPlansTheWholeGangOnOneNodeWhenItFits) {
  AddNodes(3, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 4, 2);
  ExtenderFilterResult first = Filter(gang[0]);
  ASSERT_TRUE(first.node_names.has_value());
  ASSERT_EQ(first.node_names->size(), 1u);
  // All four members' GPUs are held at once, on the one node.
  EXPECT_EQ(UsedMilli(), 8000);
  for (const auto& pod : gang) {
    std::string uid = pod["metadata"]["uid"];
    ASSERT_TRUE(extender_->grants().Get(uid).has_value()) << uid;
    EXPECT_EQ(model_.Node(extender_->grants().Get(uid)->node)->name,
              first.node_names->front());
  }
  // Each member then passes on its planned node only.
  for (size_t i = 1; i < gang.size(); ++i) {
    ExtenderFilterResult result = Filter(gang[i]);
    ASSERT_TRUE(result.node_names.has_value());
    EXPECT_EQ(*result.node_names, *first.node_names);
  }
  EXPECT_EQ(UsedMilli(), 8000);
  EXPECT_EQ(metrics_.decisions("filter", "gang-planned"), 4);
}

TEST_F(ExtenderGangTest, GangTooLargeForOneNodeSpreadsAllOrNothing) {
  AddNodes(2, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 6, 2);  // 12 GPUs
  ExtenderFilterResult first = Filter(gang[0]);
  ASSERT_TRUE(first.node_names.has_value());
  EXPECT_EQ(UsedMilli(), 12000);
  // A second gang of 3 x 2 does not fit in the 4 GPUs left: nothing held.
  std::vector<nlohmann::json> other = CreateGang("h", 3, 2);
  ExtenderFilterResult refused = Filter(other[0]);
  EXPECT_TRUE(refused.node_names->empty());
  EXPECT_THAT(AnyReason(refused), HasSubstr("only 2 of 3 members fit"));
  EXPECT_EQ(UsedMilli(), 12000);
}

TEST_F(ExtenderGangTest, BindWaitsAtTheBarrierUntilEveryMemberArrives) {
  AddNodes(2, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 3, 2);
  std::vector<std::string> nodes = FilterAll(gang);
  std::vector<std::future<ExtenderBindingResult>> binds = BindAsync(gang, nodes, 2);
  EXPECT_EQ(binds[0].wait_for(std::chrono::milliseconds(200)),
            std::future_status::timeout);
  {
    std::lock_guard<std::mutex> lock(api_.mu_);
    EXPECT_TRUE(api_.bound.empty());  // no member bound before all arrive
  }
  EXPECT_EQ(Bind(gang[2], nodes[2]).error, "");
  for (auto& bind : binds) EXPECT_EQ(bind.get().error, "");
  std::lock_guard<std::mutex> lock(api_.mu_);
  EXPECT_EQ(api_.bound.size(), 3u);
}

TEST_F(ExtenderGangTest, IncompleteGangTimesOutBindsNothingAndHoldsNothing) {
  AddNodes(2, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 3, 2);
  std::string node = Filter(gang[0]).node_names->front();
  Filter(gang[1]);
  auto waiting = std::async(std::launch::async, [&] { return Bind(gang[0], node); });
  // Member 2 never reaches the extender (kube-scheduler's filters keep it).
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(200)),
            std::future_status::timeout);  // member 0 waits at the barrier
  now_s_ += 31;
  EXPECT_EQ(extender_->ReleaseExpired(), 3);
  EXPECT_THAT(waiting.get().error, HasSubstr("not bound"));
  EXPECT_EQ(UsedMilli(), 0);
  // A member filtered before the plan failed is not bound alone either.
  EXPECT_THAT(Bind(gang[1], node).error, HasSubstr("never bound alone"));
  {
    std::lock_guard<std::mutex> lock(api_.mu_);
    EXPECT_TRUE(api_.bound.empty());
  }
  // The group backs off before it holds capacity again.
  ExtenderFilterResult again = Filter(gang[0]);
  EXPECT_TRUE(again.node_names->empty());
  EXPECT_THAT(AnyReason(again), HasSubstr("backs off"));
  EXPECT_EQ(UsedMilli(), 0);
  now_s_ += 3;
  EXPECT_EQ(Filter(gang[0]).node_names->size(), 1u);
  EXPECT_EQ(UsedMilli(), 6000);
}

TEST_F(ExtenderGangTest, AMemberWhoseDecisionCannotBeWrittenFailsThePlanAtOnce) {
  AddNodes(2, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 3, 2);
  std::vector<std::string> nodes = FilterAll(gang);
  auto waiting = std::move(BindAsync(gang, nodes, 1).front());
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(200)),
            std::future_status::timeout);
  {
    std::lock_guard<std::mutex> lock(api_.mu_);
    api_.patch_error = absl::UnavailableError("etcd is slow");
  }
  EXPECT_THAT(Bind(gang[1], nodes[1]).error, HasSubstr("etcd is slow"));
  // Member 0 stops waiting before the timeout (the clock does not move).
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_THAT(waiting.get().error, HasSubstr("a member cannot be bound"));
  ExpectNothingHeldOrBound();
}

TEST_F(ExtenderGangTest, AMemberDeletedBeforeTheBarrierOpensFailsThePlan) {
  AddNodes(2, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 3, 2);
  std::vector<std::string> nodes = FilterAll(gang);
  std::vector<std::future<ExtenderBindingResult>> binds = BindAsync(gang, nodes, 2);
  ASSERT_EQ(binds[0].wait_for(std::chrono::milliseconds(200)),
            std::future_status::timeout);
  extender_->OnPodEvent("DELETED", gang[2]);
  for (auto& bind : binds) {
    ASSERT_EQ(bind.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_THAT(bind.get().error, HasSubstr("the pod was deleted"));
  }
  ExpectNothingHeldOrBound();
}

TEST_F(ExtenderGangTest, TwoGangsThatFitOnlyAloneRunOneAfterTheOther) {
  AddNodes(3, 8);
  std::vector<nlohmann::json> a = CreateGang("a", 8, 2);
  std::vector<nlohmann::json> b = CreateGang("b", 8, 2);
  ExtenderFilterResult a0 = Filter(a[0]);
  ASSERT_EQ(a0.node_names->size(), 1u);
  ExtenderFilterResult b0 = Filter(b[0]);
  EXPECT_TRUE(b0.node_names->empty());
  EXPECT_EQ(UsedMilli(), 16000);  // b holds nothing
  // a runs whole.
  std::vector<std::future<ExtenderBindingResult>> binds;
  for (const auto& pod : a) {
    binds.push_back(std::async(std::launch::async, [&, pod] { return FilterAndBind(pod); }));
  }
  for (auto& bind : binds) EXPECT_EQ(bind.get().error, "");
  for (const auto& [key, node] : api_.bound) {
    ShowBound(api_.pods[key], node);
  }
  // a finishes: b may plan at once (it waited only for capacity).
  for (const auto& [key, node] : api_.bound) {
    nlohmann::json pod = api_.pods[key];
    pod["status"]["phase"] = "Succeeded";
    extender_->OnPodEvent("MODIFIED", pod);
  }
  EXPECT_EQ(UsedMilli(), 0);
  EXPECT_EQ(Filter(b[0]).node_names->size(), 1u);
  EXPECT_EQ(UsedMilli(), 16000);
}

TEST_F(ExtenderGangTest, AGangWaitsWhileTheBarrierIsFull) {
  barrier_capacity_ = 4;
  Make();
  AddNodes(2, 8);
  std::vector<nlohmann::json> a = CreateGang("a", 4, 1);
  std::vector<nlohmann::json> b = CreateGang("b", 2, 1);
  ASSERT_TRUE(Filter(a[0]).node_names.has_value());
  ExtenderFilterResult refused = Filter(b[0]);
  EXPECT_TRUE(!refused.node_names || refused.node_names->empty());
  EXPECT_THAT(AnyReason(refused), HasSubstr("wait at the bind barrier (at most 4)"));
}

TEST_F(ExtenderGangTest, GangsPlannedAtOnceNeverOverfillTheBarrier) {
  // Without queues nothing else orders two groups' planning: each must
  // see the room the other took.
  barrier_capacity_ = 4;
  Make();
  AddNodes(4, 8);
  constexpr int kGangs = 8;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::vector<nlohmann::json>> gangs;
    for (int g = 0; g < kGangs; ++g) {
      gangs.push_back(CreateGang("r" + std::to_string(round) + "g" + std::to_string(g), 4, 1));
    }
    std::atomic<int> ready{0};
    std::vector<std::future<bool>> planned;
    for (int g = 0; g < kGangs; ++g) {
      planned.push_back(std::async(std::launch::async, [&, g] {
        ready.fetch_add(1);
        while (ready.load() < kGangs) std::this_thread::yield();
        ExtenderFilterResult result = Filter(gangs[g][0]);
        return result.node_names.has_value() && !result.node_names->empty();
      }));
    }
    int count = 0;
    for (auto& p : planned) count += p.get();
    ASSERT_EQ(count, 1) << "round " << round;
    // Give the plan up so that the next round starts empty.
    now_s_ += 60;
    extender_->ReleaseExpired();
    ASSERT_EQ(UsedMilli(), 0) << "round " << round;
  }
}

TEST_F(ExtenderGangTest, MemberExcludedFromItsPlannedNodeGivesThePlanUp) {
  AddNodes(3, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 2, 4);
  std::string node = Filter(gang[0]).node_names->front();
  std::vector<std::string> others;
  for (const std::string& name : names_) {
    if (name != node) others.push_back(name);
  }
  ExtenderFilterResult result = Filter(gang[1], others);
  EXPECT_TRUE(result.node_names->empty());
  EXPECT_THAT(AnyReason(result), HasSubstr("kube-scheduler's own filters exclude it"));
  EXPECT_EQ(UsedMilli(), 0);
}

TEST_F(ExtenderGangTest, GroupWaitsForItsMembersToExist) {
  AddNodes(1, 8);
  std::vector<nlohmann::json> gang = CreateGang("g", 2, 1, /*min_member=*/4);
  ExtenderFilterResult result = Filter(gang[0]);
  EXPECT_TRUE(result.node_names->empty());
  EXPECT_THAT(AnyReason(result), HasSubstr("needs 4 members; 2 exist"));
  EXPECT_EQ(UsedMilli(), 0);
}

TEST_F(ExtenderGangTest, PodOfAnUnknownPodGroupWaitsAndIsNeverPlacedAlone) {
  AddNodes(1, 8);
  nlohmann::json pod = Create(VolcanoPod("v-0", 1, "pg"));
  ExtenderFilterResult result = Filter(pod);
  EXPECT_TRUE(result.node_names->empty());
  EXPECT_THAT(AnyReason(result), HasSubstr("does not exist"));
  registry_.OnPodGroupEvent(gang::GroupSource::kVolcano, "ADDED",
                            VolcanoPodGroup("pg", 2));
  Create(VolcanoPod("v-1", 1, "pg"));
  EXPECT_EQ(Filter(pod).node_names->size(), 1u);
  EXPECT_EQ(UsedMilli(), 2000);
}

TEST_F(ExtenderGangTest, PodNamingTwoGroupsIsRefused) {
  AddNodes(1, 8);
  nlohmann::json pod = GangPod("p", 1, "a", 2);
  pod["metadata"]["annotations"]["scheduling.k8s.io/group-name"] = "b";
  ExtenderFilterResult result = Filter(Create(pod));
  EXPECT_TRUE(result.node_names->empty());
  EXPECT_FALSE(AnyReason(result).empty());
  EXPECT_EQ(metrics_.decisions("filter", "group-refused"), 1);
}

TEST_F(ExtenderGangTest, QueueCapabilityCapsWhatItsPodsHold) {
  AddNodes(2, 8);
  gang::QueueSpec capped;
  capped.name = "team";
  capped.capability.gpu_milli = 4000;
  registry_.SetConfiguredQueues({capped});
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Filter(Create(QueuePod("p" + std::to_string(i), 1, "team")))
                  .node_names->size(),
              1u);
  }
  ExtenderFilterResult fifth = Filter(Create(QueuePod("p4", 1, "team")));
  EXPECT_TRUE(fifth.node_names->empty());
  EXPECT_THAT(AnyReason(fifth), HasSubstr("capability"));
  EXPECT_EQ(UsedMilli(), 4000);
  // A pod filtered again (kube-scheduler retried it) is not kept out by
  // its own reservation.
  EXPECT_EQ(Filter(api_.pods["default/p0"]).node_names->size(), 1u);
  EXPECT_EQ(UsedMilli(), 4000);
  EXPECT_THAT(RenderQueueMetrics(extender_->queues().Shares(
                  extender_->ClusterGpuMilli(), std::chrono::steady_clock::now())),
              HasSubstr("queue=\"team\",kind=\"allocated\"} 4000"));
  // A gang of the queue is capped as a whole.
  std::vector<nlohmann::json> gang = CreateGang("g", 2, 1, 2, "team");
  EXPECT_TRUE(Filter(gang[0]).node_names->empty());
}

TEST_F(ExtenderGangTest, ABindAfterItsReservationExpiredKeepsToTheQueueCap) {
  AddNodes(2, 8);
  gang::QueueSpec capped;
  capped.name = "team";
  capped.capability.gpu_milli = 4000;
  registry_.SetConfiguredQueues({capped});
  nlohmann::json late = Create(QueuePod("late", 1, "team"));
  std::string node = Filter(late).node_names->front();
  now_s_ += 600;
  extender_->ReleaseExpired();
  EXPECT_EQ(UsedMilli(), 0);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Filter(Create(QueuePod("p" + std::to_string(i), 1, "team")))
                  .node_names->size(),
              1u);
  }
  EXPECT_THAT(Bind(late, node).error, HasSubstr("capability"));
  EXPECT_EQ(UsedMilli(), 4000);
  std::lock_guard<std::mutex> lock(api_.mu_);
  EXPECT_TRUE(api_.bound.empty());
}

TEST_F(ExtenderGangTest, QueueAboveItsShareWaitsWhileAnotherHasAPodThatFits) {
  AddNodes(2, 8);
  gang::QueueSpec a;
  a.name = "a";
  gang::QueueSpec b;
  b.name = "b";
  registry_.SetConfiguredQueues({a, b});
  // Queue a takes 10 of 16 GPUs while b asks nothing: it may borrow.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Filter(Create(QueuePod("a" + std::to_string(i), 2, "a")))
                  .node_names->size(),
              1u);
  }
  // Now b asks 8 GPUs: each queue deserves 8, a holds 10 and waits.
  for (int i = 0; i < 4; ++i) Create(QueuePod("b" + std::to_string(i), 2, "b"));
  now_s_ += 1;  // the gate's view of pending pods is at most 250 ms old
  ExtenderFilterResult more = Filter(Create(QueuePod("a5", 1, "a")));
  EXPECT_TRUE(more.node_names->empty());
  EXPECT_THAT(AnyReason(more), HasSubstr("queue b"));
  EXPECT_EQ(Filter(api_.pods["default/b0"]).node_names->size(), 1u);
}

TEST_F(ExtenderGangTest, MissingAndClosedQueues) {
  AddNodes(1, 8);
  gang::QueueSpec closed;
  closed.name = "closed";
  closed.open = false;
  registry_.SetConfiguredQueues({closed});
  ExtenderFilterResult missing = Filter(Create(QueuePod("p", 1, "nope")));
  EXPECT_THAT(AnyReason(missing), HasSubstr("queue nope does not exist"));
  std::vector<nlohmann::json> gang = CreateGang("g", 2, 1, 2, "closed");
  ExtenderFilterResult refused = Filter(gang[0]);
  EXPECT_THAT(AnyReason(refused), HasSubstr("closed"));
  EXPECT_EQ(UsedMilli(), 0);
  // A group of minMember 1 (Volcano's for a plain job) is new too until a
  // member is bound; after that its further members go on.
  std::vector<nlohmann::json> single = CreateGang("s", 2, 1, 1, "closed");
  EXPECT_THAT(AnyReason(Filter(single[0])), HasSubstr("closed"));
  EXPECT_EQ(UsedMilli(), 0);
  ShowBound(single[0], "n0");
  EXPECT_EQ(Filter(single[1]).node_names->size(), 1u);
}

}  // namespace
}  // namespace gpulet::extender
