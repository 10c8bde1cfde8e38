#include "plugin/pod_patch_queue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "plugin/testing/fake_handoff_api.h"

namespace gpulet::plugin {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

constexpr std::chrono::seconds kWait(10);

GrantClaim Claim(const std::string& name, size_t container, size_t containers) {
  GrantClaim claim;
  claim.ns = "default";
  claim.name = name;
  claim.uid = "uid-" + name;
  claim.container = container;
  claim.containers = containers;
  return claim;
}

TEST(ServedPatchTest, CountThenSuccessAfterTheLastContainer) {
  EXPECT_THAT(ServedPatch(Claim("a", 0, 2)),
              ElementsAre(Pair("gpulet.io/allocated-containers", "1")));
  EXPECT_THAT(ServedPatch(Claim("a", 1, 2)),
              ElementsAre(Pair("gpulet.io/allocated-containers", "2"),
                          Pair("gpulet.io/bind-phase", "success")));
}

TEST(PodPatchQueueTest, PatchesThePod) {
  testing::FakeHandoffApi api;
  PodPatchQueue queue(&api);
  queue.Served(Claim("a", 0, 1));
  ASSERT_TRUE(queue.WaitIdleForTest(kWait));
  EXPECT_THAT(api.annotations("pod/default/a"),
              ElementsAre(Pair("gpulet.io/allocated-containers", "1"),
                          Pair("gpulet.io/bind-phase", "success")));
}

TEST(PodPatchQueueTest, FailedPatchIsRetriedUntilItLands) {
  testing::FakeHandoffApi api;
  api.Fail(absl::UnavailableError("connection refused"));
  PodPatchQueue queue(&api, std::chrono::milliseconds(5), std::chrono::milliseconds(20));
  queue.Served(Claim("a", 0, 2));
  while (api.attempts() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_TRUE(api.calls().empty());
  api.Fail(absl::OkStatus());
  ASSERT_TRUE(api.WaitForCalls(1, kWait));
  ASSERT_TRUE(queue.WaitIdleForTest(kWait));
  EXPECT_EQ(api.annotations("pod/default/a").at("gpulet.io/allocated-containers"), "1");
}

TEST(PodPatchQueueTest, NewerCountReplacesAQueuedOneAndNeverGoesBack) {
  testing::FakeHandoffApi api;
  api.Fail(absl::UnavailableError("down"));
  PodPatchQueue queue(&api, std::chrono::milliseconds(5), std::chrono::milliseconds(10));
  queue.Served(Claim("a", 1, 3));
  queue.Served(Claim("a", 0, 3));  // reported late
  queue.Served(Claim("a", 2, 3));
  api.Fail(absl::OkStatus());
  ASSERT_TRUE(api.WaitForCalls(1, kWait));
  ASSERT_TRUE(queue.WaitIdleForTest(kWait));
  queue.Served(Claim("a", 0, 3));  // after the last was written
  ASSERT_TRUE(queue.WaitIdleForTest(kWait));
  std::vector<testing::FakeHandoffApi::Call> calls = api.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].patch.at("gpulet.io/allocated-containers"), "3");
  EXPECT_EQ(calls[0].patch.at("gpulet.io/bind-phase"), "success");
}

TEST(PodPatchQueueTest, DeletedPodIsDroppedNotRetried) {
  testing::FakeHandoffApi api;
  api.Fail(absl::NotFoundError("pods \"a\" not found"));
  PodPatchQueue queue(&api, std::chrono::milliseconds(1), std::chrono::milliseconds(1));
  queue.Served(Claim("a", 0, 1));
  ASSERT_TRUE(queue.WaitIdleForTest(kWait));
  EXPECT_EQ(api.attempts(), 1);
}

TEST(PodPatchQueueTest, StopEndsARetryingQueue) {
  testing::FakeHandoffApi api;
  api.Fail(absl::UnavailableError("down"));
  auto queue = std::make_unique<PodPatchQueue>(&api, std::chrono::seconds(30),
                                               std::chrono::seconds(30));
  queue->Served(Claim("a", 0, 1));
  while (api.attempts() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto start = std::chrono::steady_clock::now();
  queue->Stop();
  queue.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace gpulet::plugin
