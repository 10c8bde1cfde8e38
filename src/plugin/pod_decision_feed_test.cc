#include "plugin/pod_decision_feed.h"

#include "gtest/gtest.h"

namespace gpulet::plugin {
namespace {

nlohmann::json Pod(const std::string& name, const std::string& decision_node,
                   const std::string& bound_to = "n1") {
  std::string decision = R"({"containers":[{"gpus":[{"index":3,"memoryMiB":0,"milli":1000,)"
                         R"("uuid":"GPU-3"}],"name":"c"}],"node":")" +
                         decision_node + R"(","time":1})";
  return {{"metadata",
           {{"namespace", "default"},
            {"name", name},
            {"uid", "uid-" + name},
            {"annotations", {{"gpulet.io/decision", decision}}}}},
          {"spec", {{"nodeName", bound_to}}},
          {"status", {{"phase", "Pending"}}}};
}

const GrantFits kAny = [](const handoff::ContainerGrant&) { return true; };

TEST(PodDecisionFeedTest, ListKeepsOnlyServableDecisions) {
  auto ledger = std::make_shared<GrantLedger>();
  PodDecisionFeed feed("n1", ledger);
  nlohmann::json garbage = Pod("garbage", "n1");
  garbage["metadata"]["annotations"]["gpulet.io/decision"] = "not json";
  feed.Replace({Pod("good", "n1"), Pod("elsewhere", "n2"), garbage, nlohmann::json(42)});
  EXPECT_EQ(ledger->pending(), 1u);
  EXPECT_EQ(ledger->Claim(1, kAny)->name, "good");
}

TEST(PodDecisionFeedTest, WatchEventsAddUpdateAndRemove) {
  auto ledger = std::make_shared<GrantLedger>();
  PodDecisionFeed feed("n1", ledger);
  feed.Event("ADDED", Pod("a", "n1"));
  feed.Event("BOOKMARK", Pod("b", "n1"));
  EXPECT_EQ(ledger->pending(), 1u);
  nlohmann::json done = Pod("a", "n1");
  done["metadata"]["annotations"]["gpulet.io/bind-phase"] = "success";
  feed.Event("MODIFIED", done);
  EXPECT_EQ(ledger->pending(), 0u);
  feed.Event("MODIFIED", Pod("a", "n1"));
  EXPECT_EQ(ledger->pending(), 1u);
  feed.Event("DELETED", Pod("a", "n1"));
  EXPECT_EQ(ledger->pending(), 0u);
}

TEST(PodDecisionFeedTest, ADecisionTurnedToGarbageIsWithdrawn) {
  auto ledger = std::make_shared<GrantLedger>();
  PodDecisionFeed feed("n1", ledger);
  feed.Event("ADDED", Pod("a", "n1"));
  nlohmann::json garbage = Pod("a", "n1");
  garbage["metadata"]["annotations"]["gpulet.io/allocated-containers"] = "many";
  feed.Event("MODIFIED", garbage);
  feed.Event("MODIFIED", garbage);  // logged once
  EXPECT_EQ(ledger->pending(), 0u);
}

}  // namespace
}  // namespace gpulet::plugin
