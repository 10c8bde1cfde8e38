#include "checkpoint/tool_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using std::chrono::milliseconds;

TEST(RunToolTest, CapturesStdoutAndStderrAndExitCode) {
  ToolRun run;
  ASSERT_TRUE(RunTool({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(0),
                      &run)
                  .ok());
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.term_signal, 0);
  EXPECT_FALSE(run.timed_out);
  EXPECT_EQ(run.output, "out\nerr\n");
}

TEST(RunToolTest, KillsAChildPastItsTimeLimit) {
  ToolRun run;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(RunTool({"/bin/sleep", "30"}, milliseconds(200), &run).ok());
  EXPECT_TRUE(run.timed_out);
  EXPECT_EQ(run.term_signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunToolTest, MissingProgramIsUnavailableNotAMissingProcess) {
  ToolRun run;
  PlainStatus status = RunTool({"/nonexistent/cuda-checkpoint", "-h"}, milliseconds(0), &run);
  // kNotFound would read as "the process asked about is gone".
  EXPECT_EQ(status.code(), PlainCode::kUnavailable);
  EXPECT_NE(status.message().find("/nonexistent/cuda-checkpoint"), std::string::npos);
}

TEST(RunToolTest, ChildSeesNoInheritedDescriptorAndEmptyStdin) {
  int leaked = open("/dev/null", O_RDONLY);  // not O_CLOEXEC on purpose
  ASSERT_GE(leaked, 3);
  ToolRun run;
  std::string script = "cat; if [ -e /proc/self/fd/" + std::to_string(leaked) +
                       " ]; then echo leaked; else echo closed; fi";
  ASSERT_TRUE(RunTool({"/bin/sh", "-c", script}, milliseconds(5000), &run).ok());
  close(leaked);
  EXPECT_EQ(run.output, "closed\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(RunToolTest, ChildRunsInAProcessGroupOfItsOwn) {
  ToolRun run;
  // Its pid, then the process group field of its stat.
  ASSERT_TRUE(RunTool({"/bin/sh", "-c", "echo $$ $(cut -d' ' -f5 /proc/$$/stat)"},
                      milliseconds(5000), &run)
                  .ok());
  long pid = 0, group = 0;
  ASSERT_EQ(std::sscanf(run.output.c_str(), "%ld %ld", &pid, &group), 2) << run.output;
  EXPECT_EQ(pid, group);
  EXPECT_NE(group, static_cast<long>(getpgrp()));
}

TEST(RunToolTest, CapsOutput) {
  ToolRun run;
  ASSERT_TRUE(RunTool({"/bin/sh", "-c", "head -c 200000 /dev/zero"}, milliseconds(5000), &run)
                  .ok());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output.size(), kMaxToolOutput);
}

TEST(RunToolTest, EmptyArgvIsInvalid) {
  ToolRun run;
  EXPECT_EQ(RunTool({}, milliseconds(0), &run).code(), PlainCode::kInvalidArgument);
}

}  // namespace
}  // namespace gpulet::checkpoint
