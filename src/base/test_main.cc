// The main() of every gpulet test binary: GoogleTest with logs kept quiet
// unless GPULET_TEST_LOG is set, so failures are not buried in log lines.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  // Tests may not read the environment through config/, but the test runner
  // itself is not gpulet code.
  if (std::getenv("GPULET_TEST_LOG") == nullptr) {
    spdlog::set_level(spdlog::level::warn);
  }
  return RUN_ALL_TESTS();
}
