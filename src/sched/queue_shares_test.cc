#include "sched/queue_shares.h"

#include <limits>
#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;

QueueClaim Claim(double weight, double request) {
  QueueClaim claim;
  claim.weight = weight;
  claim.request = request;
  return claim;
}

TEST(DeservedSharesTest, SplitsByWeightWhenEveryQueueWantsAll) {
  EXPECT_THAT(DeservedShares(1000, {Claim(1, 1000), Claim(3, 1000)}),
              ElementsAre(DoubleNear(250, 1e-3), DoubleNear(750, 1e-3)));
}

TEST(DeservedSharesTest, DealsWhatASatisfiedQueueLeavesToTheOthers) {
  // a asks 100 of its 333: the rest goes to b and c by weight.
  EXPECT_THAT(DeservedShares(900, {Claim(1, 100), Claim(1, 900), Claim(2, 900)}),
              ElementsAre(DoubleNear(100, 1e-3), DoubleNear(266.667, 1e-2),
                          DoubleNear(533.333, 1e-2)));
}

TEST(DeservedSharesTest, CapabilityCapsAndTheRestFlowsOn) {
  QueueClaim capped = Claim(3, 1000);
  capped.capability = 200;
  EXPECT_THAT(DeservedShares(1000, {capped, Claim(1, 1000)}),
              ElementsAre(DoubleNear(200, 1e-3), DoubleNear(800, 1e-3)));
}

TEST(DeservedSharesTest, GuaranteeIsAFloorEvenWithoutDemand) {
  QueueClaim guaranteed = Claim(1, 0);
  guaranteed.guarantee = 300;
  EXPECT_THAT(DeservedShares(1000, {guaranteed, Claim(1, 1000)}),
              ElementsAre(DoubleNear(300, 1e-3), DoubleNear(700, 1e-3)));
}

TEST(DeservedSharesTest, NeverDealsMoreThanTheTotal) {
  std::vector<QueueClaim> claims;
  for (int i = 1; i <= 7; ++i) claims.push_back(Claim(i, 137.0 * i));
  std::vector<double> shares = DeservedShares(2000, claims);
  EXPECT_LE(std::accumulate(shares.begin(), shares.end(), 0.0), 2000 + 1e-6);
  for (size_t i = 0; i < claims.size(); ++i) EXPECT_LE(shares[i], claims[i].request + 1e-6);
}

TEST(DeservedSharesTest, LessDemandThanTotalGivesEveryQueueItsAsk) {
  EXPECT_THAT(DeservedShares(1000, {Claim(1, 100), Claim(5, 200)}),
              ElementsAre(DoubleNear(100, 1e-6), DoubleNear(200, 1e-6)));
}

TEST(DeservedSharesTest, DegenerateInputs) {
  EXPECT_TRUE(DeservedShares(1000, {}).empty());
  EXPECT_THAT(DeservedShares(0, {Claim(1, 100)}), ElementsAre(DoubleNear(0, 1e-9)));
  EXPECT_THAT(DeservedShares(1000, {Claim(0, 100), Claim(-1, 100)}),
              ElementsAre(DoubleNear(0, 1e-9), DoubleNear(0, 1e-9)));
  QueueClaim infinite = Claim(1, std::numeric_limits<double>::infinity());
  EXPECT_THAT(DeservedShares(1000, {infinite}), ElementsAre(DoubleNear(1000, 1e-6)));
}

}  // namespace
}  // namespace gpulet::sched
