#include "base/program_pages.h"

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace gpulet {
namespace {

// RssFile from /proc/self/status, in KiB; -1 when it cannot be read.
long ResidentFileKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

TEST(ReleaseProgramPagesTest, GivesBackFilePagesAndTheProgramKeepsRunning) {
  long before = ResidentFileKib();
  ASSERT_GT(before, 0);
  ReleaseProgramPages();
  long after = ResidentFileKib();
  // The kernel leaves pages that other processes map too (a shared libc),
  // and gtest's own code faults some back in; the test binary's are its own.
  EXPECT_LT(after, before) << "RssFile " << before << " KiB -> " << after << " KiB";
  // Code paged out is faulted back in when it runs again.
  ReleaseProgramPages();
  EXPECT_GT(ResidentFileKib(), 0);
}

}  // namespace
}  // namespace gpulet
