#include "labels/label_file.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::labels {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(LabelFileTest, RendersSortedLinesUnderTheExpiryDirective) {
  LabelMap labels = {{"nvidia.com/gpu.count", "8"}, {"nvidia.com/cuda.driver.rev", ""}};
  WallTime expiry = std::chrono::system_clock::from_time_t(1893553445);
  EXPECT_EQ(RenderLabelFile(labels, expiry),
            "# +expiry-time=2030-01-02T03:04:05Z\n"
            "nvidia.com/cuda.driver.rev=\n"
            "nvidia.com/gpu.count=8\n");
  EXPECT_EQ(RenderLabelFile(labels, std::nullopt),
            "nvidia.com/cuda.driver.rev=\nnvidia.com/gpu.count=8\n");
}

TEST(LabelFileTest, ParsesWhatItRenders) {
  LabelMap labels = {{"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"},
                     {"nvidia.com/gpu.sharing-strategy", ""}};
  WallTime expiry = std::chrono::system_clock::from_time_t(1893553445);
  ASSERT_OK_AND_ASSIGN(LabelFileContents parsed,
                       ParseLabelFile(RenderLabelFile(labels, expiry)));
  EXPECT_EQ(parsed.labels, labels);
  EXPECT_EQ(parsed.expiry, expiry);
}

TEST(LabelFileTest, GoodInputsAsNfdReadsThem) {
  ASSERT_OK_AND_ASSIGN(
      LabelFileContents parsed,
      ParseLabelFile("# a comment\r\n\n  nvidia.com/a=b  \nnvidia.com/flag\n"
                     "feature.node.kubernetes.io/x=1\n#+no-label is a comment\n"));
  EXPECT_EQ(parsed.labels, (LabelMap{{"nvidia.com/a", "b"},
                                     {"nvidia.com/flag", "true"},
                                     {"feature.node.kubernetes.io/x", "1"}}));
  EXPECT_EQ(parsed.expiry, std::nullopt);
}

TEST(LabelFileTest, MalformedInputs) {
  const std::pair<std::string, std::string> cases[] = {
      {"nvidia.com/a=b c\n", "line 1: invalid value \"b c\""},
      {"x=1\nnvidia.com/a =b\n", "line 2: invalid key \"nvidia.com/a \""},
      {"kubernetes.io/arch=x\n", "denied namespace"},
      {"node.kubernetes.io/a=x\n", "denied namespace"},
      {"nvidia.com/a=" + std::string(64, 'v') + "\n", "invalid value"},
      {"nvidia.com/a=-x\n", "invalid value"},
      {"nvidia.com/a=1\nnvidia.com/a=2\n", "line 2: duplicate key"},
      {"# +expiry-time=tomorrow\n", "line 1: invalid RFC 3339 time \"tomorrow\""},
      // Found by fuzz/host_files_fuzzer: overflowed system_clock (UBSan).
      {"# +expiry-time=4060-01-02T03:04:05Z\n", "is out of range"},
      {"# +bogus\n", "unknown directive"},
  };
  for (const auto& [text, message] : cases) {
    EXPECT_THAT(ParseLabelFile(text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)))
        << text;
  }
  EXPECT_THAT(ParseLabelFile(std::string(65537, '#')),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("65536")));
}

TEST(Rfc3339Test, RoundTrips) {
  WallTime t = std::chrono::system_clock::from_time_t(1724632719);
  EXPECT_EQ(FormatRfc3339(t), "2024-08-26T00:38:39Z");
  ASSERT_OK_AND_ASSIGN(WallTime back, ParseRfc3339("2024-08-26T00:38:39Z"));
  EXPECT_EQ(back, t);
  EXPECT_THAT(ParseRfc3339("2024-08-26 00:38:39"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet::labels
