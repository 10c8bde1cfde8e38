#include "plugin/grant_ledger.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/testing/pending_pods.h"

namespace gpulet::plugin {
namespace {

using testing::MakePod;
using testing::Share;
using testing::Uuid;
using testing::Whole;

const GrantFits kAny = [](const handoff::ContainerGrant&) { return true; };

TEST(GrantLedgerTest, ServesTheContainersOfAPodInOrderThenNothing) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 10, {{Whole(3)}, {Whole(1), Whole(2)}}));
  EXPECT_EQ(ledger.pending(), 1u);
  std::optional<GrantClaim> first = ledger.Claim(1, kAny);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->Key(), "default/a");
  EXPECT_EQ(first->container, 0u);
  EXPECT_FALSE(first->last());
  EXPECT_EQ(first->grant.gpus[0].uuid, Uuid(3));
  // The next container asks for two GPUs: a one-GPU request does not match.
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value());
  std::optional<GrantClaim> second = ledger.Claim(2, kAny);
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->last());
  EXPECT_EQ(second->grant.name, "c1");
  EXPECT_FALSE(ledger.Claim(2, kAny).has_value());
  EXPECT_EQ(ledger.pending(), 0u);
}

TEST(GrantLedgerTest, OldestDecisionFirstThenCreationThenName) {
  GrantLedger ledger;
  PendingPod late = MakePod("late", 20, {{Whole(0)}});
  PendingPod early = MakePod("early", 10, {{Whole(1)}});
  PendingPod early_created = MakePod("b", 10, {{Whole(2)}});
  early.created_unix = 5;
  early_created.created_unix = 1;
  ledger.Replace({late, early, early_created});
  EXPECT_EQ(ledger.Claim(1, kAny)->name, "b");
  EXPECT_EQ(ledger.Claim(1, kAny)->name, "early");
  EXPECT_EQ(ledger.Claim(1, kAny)->name, "late");
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value());
}

TEST(GrantLedgerTest, SkipsPodsWhoseGrantDoesNotFitTheResource) {
  GrantLedger ledger;
  ledger.Replace({MakePod("old", 1, {{Whole(7)}}), MakePod("new", 2, {{Whole(3)}})});
  GrantFits only_gpu3 = [](const handoff::ContainerGrant& grant) {
    return grant.gpus[0].uuid == Uuid(3);
  };
  std::optional<GrantClaim> claim = ledger.Claim(1, only_gpu3);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->name, "new");
  EXPECT_EQ(ledger.Peek(1, kAny)->gpus[0].uuid, Uuid(7));
}

TEST(GrantLedgerTest, PeekDoesNotConsume) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 1, {{Share(0, 500, 4096)}}));
  ASSERT_TRUE(ledger.Peek(1, kAny).has_value());
  ASSERT_TRUE(ledger.Peek(1, kAny).has_value());
  EXPECT_EQ(ledger.Claim(1, kAny)->grant.gpus[0].milli, 500);
  EXPECT_FALSE(ledger.Peek(1, kAny).has_value());
}

TEST(GrantLedgerTest, AnnotatedCountIsHonouredAndNeverGoesBack) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 1, {{Whole(0)}, {Whole(1)}, {Whole(2)}}, /*allocated=*/1));
  EXPECT_EQ(ledger.Claim(1, kAny)->container, 1u);
  // A watch event from before the plugin's patch landed: still count 1.
  ledger.Upsert(MakePod("a", 1, {{Whole(0)}, {Whole(1)}, {Whole(2)}}, /*allocated=*/1));
  EXPECT_EQ(ledger.Claim(1, kAny)->container, 2u);
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value());
}

TEST(GrantLedgerTest, ReplaceKeepsServedCountsOfPodsStillThere) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 1, {{Whole(0)}, {Whole(1)}}));
  ledger.Upsert(MakePod("gone", 2, {{Whole(5)}}));
  ASSERT_EQ(ledger.Claim(1, kAny)->container, 0u);
  ledger.Replace({MakePod("a", 1, {{Whole(0)}, {Whole(1)}})});
  EXPECT_EQ(ledger.pending(), 1u);
  std::optional<GrantClaim> claim = ledger.Claim(1, kAny);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->container, 1u);
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value()) << "the pod that left the list is forgotten";
}

TEST(GrantLedgerTest, ReleaseMakesTheContainerNextAgain) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 1, {{Whole(0)}, {Whole(1)}}));
  std::optional<GrantClaim> claim = ledger.Claim(1, kAny);
  ledger.Release(*claim);
  EXPECT_EQ(ledger.Claim(1, kAny)->container, 0u);
  std::optional<GrantClaim> second = ledger.Claim(1, kAny);
  ASSERT_TRUE(second.has_value());
  ledger.Release(*claim);  // stale: a later container was served since
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value());
}

TEST(GrantLedgerTest, RemoveForgetsThePod) {
  GrantLedger ledger;
  ledger.Upsert(MakePod("a", 1, {{Whole(0)}}));
  ledger.Remove("uid-a");
  EXPECT_EQ(ledger.pending(), 0u);
  EXPECT_FALSE(ledger.Claim(1, kAny).has_value());
}

}  // namespace
}  // namespace gpulet::plugin
