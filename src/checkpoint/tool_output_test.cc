#include "checkpoint/tool_output.h"

#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

TEST(ParseRestoreTidTest, AcceptsOneTid) {
  EXPECT_EQ(ParseRestoreTid("4242\n"), 4242);
  EXPECT_EQ(ParseRestoreTid("  17 \r\n"), 17);
  EXPECT_EQ(ParseRestoreTid("4194304"), 4194304);
}

TEST(ParseRestoreTidTest, RejectsMalformed) {
  for (const char* bad : {"", "\n", "abc", "-5", "0", "+12", "12 13", "12abc",
                          "Error: process 12 is not a CUDA process", "4194305",
                          "99999999999999999999", "0x10"}) {
    EXPECT_EQ(ParseRestoreTid(bad), std::nullopt) << "\"" << bad << "\"";
  }
}

TEST(ParseStateOutputTest, AcceptsToolStates) {
  EXPECT_EQ(ParseStateOutput("running\n"), CudaState::kRunning);
  EXPECT_EQ(ParseStateOutput(" locked "), CudaState::kLocked);
  EXPECT_EQ(ParseStateOutput("checkpointed"), CudaState::kCheckpointed);
}

TEST(ParseStateOutputTest, RejectsMalformed) {
  for (const char* bad : {"", "Running", "not-cuda", "unknown", "running locked",
                          "lockedx", "Error: invalid pid"}) {
    EXPECT_EQ(ParseStateOutput(bad), std::nullopt) << "\"" << bad << "\"";
  }
}

TEST(HelpHasActionInterfaceTest, TellsDriverGenerations) {
  EXPECT_TRUE(HelpHasActionInterface("  --action|-a <lock|checkpoint|restore|unlock>\n"));
  EXPECT_FALSE(HelpHasActionInterface("  --toggle   toggle the CUDA state\n"));
  EXPECT_FALSE(HelpHasActionInterface(""));
}

TEST(FirstOutputLineTest, TrimsAndCuts) {
  EXPECT_EQ(FirstOutputLine("\n  \nError: x\nmore\n"), "Error: x");
  EXPECT_EQ(FirstOutputLine(""), "(no output)");
  EXPECT_EQ(FirstOutputLine(" \n\t\n"), "(no output)");
  EXPECT_EQ(FirstOutputLine(std::string(500, 'a')).size(), 200u);
}

TEST(CudaStateNameTest, NamesEveryState) {
  EXPECT_EQ(CudaStateName(CudaState::kRunning), "running");
  EXPECT_EQ(CudaStateName(CudaState::kLocked), "locked");
  EXPECT_EQ(CudaStateName(CudaState::kCheckpointed), "checkpointed");
  EXPECT_EQ(CudaStateName(CudaState::kNotCuda), "not-cuda");
  EXPECT_EQ(CudaStateName(CudaState::kUnknown), "unknown");
}

}  // namespace
}  // namespace gpulet::checkpoint
