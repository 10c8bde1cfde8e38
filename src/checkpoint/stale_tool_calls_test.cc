#include "checkpoint/stale_tool_calls.h"

#include <string>

#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

std::string Cmdline(std::initializer_list<std::string> argv) {
  std::string text;
  for (const std::string& arg : argv) text += arg + std::string(1, '\0');
  return text;
}

TEST(ParseToolCallTest, ACallByPathOrNameWithItsTarget) {
  std::optional<ToolCall> call = ParseToolCall(
      77, Cmdline({"/usr/bin/cuda-checkpoint", "--action", "checkpoint", "--pid", "1050"}));
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->pid, 77);
  EXPECT_EQ(call->target, 1050);
  EXPECT_EQ(call->action, "checkpoint");
  EXPECT_EQ(call->command, "/usr/bin/cuda-checkpoint --action checkpoint --pid 1050");
  // Without the trailing NUL (a cmdline rewritten by the process).
  constexpr char kUnterminated[] = "cuda-checkpoint\0--pid\0" "9";
  call = ParseToolCall(78, std::string_view(kUnterminated, sizeof(kUnterminated) - 1));
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->target, 9);
  EXPECT_EQ(call->action, "");  // a query
  // The tool gpulet runs may have another name.
  call = ParseToolCall(79, Cmdline({"/opt/cuda-checkpoint-r570", "--pid", "3"}),
                       "cuda-checkpoint-r570");
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->target, 3);
}

TEST(ParseToolCallTest, AnythingElseIsNoCall) {
  for (const std::string& cmdline : {
           std::string(),  // a zombie or a kernel thread
           Cmdline({"cuda-checkpoint", "--action", "checkpoint"}),
           Cmdline({"cuda-checkpoint", "--pid"}),
           Cmdline({"cuda-checkpoint", "--pid", "12x"}),
           Cmdline({"cuda-checkpoint", "--pid", "-4"}),
           Cmdline({"cuda-checkpoint", "--pid", "0"}),
           Cmdline({"cuda-checkpoint", "--pid", "99999999999999999999"}),
           Cmdline({"/usr/bin/cuda-checkpointer", "--pid", "5"}),
           Cmdline({"sh", "-c", "cuda-checkpoint --pid 5"}),
           std::string("\0\0\0", 3),
       }) {
    EXPECT_FALSE(ParseToolCall(1, cmdline).has_value()) << cmdline;
  }
}

}  // namespace
}  // namespace gpulet::checkpoint
