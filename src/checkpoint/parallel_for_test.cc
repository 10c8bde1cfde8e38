#include "checkpoint/parallel_for.h"

#include <atomic>
#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnce) {
  std::vector<std::atomic<int>> runs(100);
  ParallelFor(runs.size(), 8, [&](size_t i) { ++runs[i]; });
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << i;
}

TEST(ParallelForTest, AnExceptionIsThrownOnTheCallerOnceEveryIndexRan) {
  std::vector<std::atomic<int>> runs(64);
  EXPECT_THROW(ParallelFor(runs.size(), 8,
                           [&](size_t i) {
                             ++runs[i];
                             if (i % 10 == 3) throw std::runtime_error("tool vanished");
                           }),
               std::runtime_error);
  // The other indexes still ran: a thread that died with it would have
  // terminated the process, CRIU with it.
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].load(), 1) << i;
}

}  // namespace
}  // namespace gpulet::checkpoint
