#include "extender/queue_gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;

QueueShare Share(const std::string& name, int64_t allocated, int64_t pending,
                 double deserved) {
  QueueShare share;
  share.spec.name = name;
  share.allocated.gpu_milli = allocated;
  share.pending_gpu_milli = pending;
  share.deserved_gpu_milli = deserved;
  return share;
}

gang::ResourceAmounts Gpus(int64_t milli) {
  gang::ResourceAmounts amounts;
  amounts.gpu_milli = milli;
  return amounts;
}

auto Always(bool fits) {
  return [fits](const std::string&) { return fits; };
}

TEST(DecideQueueTest, UnknownQueueIsRefused) {
  QueueVerdict verdict = DecideQueue("x", {}, Gpus(1000), false, Always(true));
  EXPECT_FALSE(verdict.admitted);
  EXPECT_EQ(verdict.reason, "QueueNotFound");
}

TEST(DecideQueueTest, ClosedQueueAdmitsNoNewGroupButKeepsRunningOnes) {
  std::map<std::string, QueueShare> shares{{"a", Share("a", 0, 0, 8000)}};
  shares["a"].spec.open = false;
  EXPECT_EQ(DecideQueue("a", shares, Gpus(1000), true, Always(true)).reason,
            "QueueClosed");
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
}

TEST(DecideQueueTest, CapabilityCapsEveryNamedResource) {
  std::map<std::string, QueueShare> shares{{"a", Share("a", 3000, 0, 8000)}};
  shares["a"].spec.capability.gpu_milli = 4000;
  shares["a"].spec.capability.cpu_milli = 2000;
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
  QueueVerdict over = DecideQueue("a", shares, Gpus(1500), false, Always(true));
  EXPECT_EQ(over.reason, "QueueCapability");
  gang::ResourceAmounts cpu = Gpus(0);
  cpu.cpu_milli = 2500;
  EXPECT_EQ(DecideQueue("a", shares, cpu, false, Always(true)).reason,
            "QueueCapability");
}

TEST(DecideQueueTest, AtItsShareAQueueWaitsOnlyForAStarvedQueueThatFits) {
  std::map<std::string, QueueShare> shares{
      {"a", Share("a", 8000, 2000, 8000)}, {"b", Share("b", 2000, 4000, 8000)}};
  QueueVerdict verdict = DecideQueue("a", shares, Gpus(1000), false, Always(true));
  EXPECT_EQ(verdict.reason, "QueueOverShare");
  EXPECT_THAT(verdict.message, HasSubstr("queue b"));
  // b's pending pods do not fit anywhere now: a may use the idle GPUs.
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(false)).admitted);
  // Below its share, a never waits; b is below its own.
  EXPECT_TRUE(DecideQueue("b", shares, Gpus(1000), false, Always(true)).admitted);
  // Nobody else pending: a borrows.
  shares["b"].pending_gpu_milli = 0;
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
}

}  // namespace
}  // namespace gpulet::extender
