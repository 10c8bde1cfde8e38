#include "checkpoint/proc_files.h"

#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

constexpr char kPrefix[] = "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   ";

TEST(MapsCudaDriverTest, FindsTheDriverLibrary) {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/libcuda.so.1",
                           "/usr/lib64/libcuda.so.570.86.15", "/usr/local/nvidia/lib64/libcuda.so",
                           "/run/nvidia/driver/usr/lib/libcuda.so.1 (deleted)",
                           "/opt/my dir/libcuda.so.1"}) {
    EXPECT_TRUE(MapsCudaDriver(std::string("00400000-00452000 r-xp 00000000 08:02 173521 "
                                           "/usr/bin/x\n") +
                               kPrefix + path + "\n"))
        << path;
  }
}

TEST(MapsCudaDriverTest, IgnoresOtherLibrariesAndMalformedLines) {
  for (const char* maps : {
           "",
           "\n\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   /usr/lib/libcudart.so.12\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   /usr/lib/libcuda.sox\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   /opt/libcuda.so.d/x.so\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   /usr/lib/libcuda_stub.so\n",
           "7f1c2b000000-7f1c2c000000 rw-p 00000000 00:00 0\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   [libcuda.so.1]\n",
           "libcuda.so.1\n",
           "7f1c2b000000-7f1c2c000000 r-xp libcuda.so.1\n",
           "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012   libcuda.so.1\n",
       }) {
    EXPECT_FALSE(MapsCudaDriver(maps)) << "\"" << maps << "\"";
  }
}

TEST(MapsCudaDriverTest, TruncatedLastLineStillCounts) {
  EXPECT_TRUE(MapsCudaDriver(std::string(kPrefix) + "/usr/lib64/libcuda.so.1"));
}

TEST(ParseStatParentPidTest, ReadsTheFourthField) {
  EXPECT_EQ(ParseStatParentPid("1234 (bash) S 1 1234 1234 0 -1\n"), 1);
  EXPECT_EQ(ParseStatParentPid("77 (a) b) (c) R 42 77 77"), 42);
  EXPECT_EQ(ParseStatParentPid("9 (x) Z 0"), 0);
}

TEST(ParseStatParentPidTest, RejectsMalformed) {
  for (const char* bad : {"", "1234", "1234 bash S 1 2", "1234 (bash S 1 2", "1234 (bash)",
                          "1234 (bash) S", "1234 (bash) S x 2", "1234 (bash) S -1 2",
                          "1234 (bash) S 12abc 2", "1234 (bash)S 1 2", ") (x) S 1"}) {
    EXPECT_EQ(ParseStatParentPid(bad), std::nullopt) << "\"" << bad << "\"";
  }
}

TEST(ParsePidTest, ReadsAWholePositiveDecimal) {
  EXPECT_EQ(ParsePid("1"), 1);
  EXPECT_EQ(ParsePid("4194304"), 4194304);
  for (const char* bad : {"", "0", "-3", "+3", "12a", " 12", "12 ", "self",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParsePid(bad).has_value()) << bad;
  }
}

TEST(ProcPathTest, NamesTheFileOfThePid) {
  EXPECT_EQ(ProcPath(42, "cmdline"), "/proc/42/cmdline");
}

}  // namespace
}  // namespace gpulet::checkpoint
