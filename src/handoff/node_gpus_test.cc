#include "handoff/node_gpus.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::handoff {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<NodeGpu> TwoGpus() {
  return {
      {"GPU-b", 1, "NVIDIA H100 80GB HBM3", 81559, false, 1},
      {"GPU-a", 0, "NVIDIA H100 80GB HBM3", 81559, true, 0},
  };
}

TEST(NodeGpusTest, EncodesSortedKeysAndIndexOrder) {
  EXPECT_EQ(EncodeNodeGpus(TwoGpus()),
            R"({"gpus":[{"health":"Healthy","index":0,"memoryMiB":81559,)"
            R"("model":"NVIDIA H100 80GB HBM3","numa":0,"uuid":"GPU-a"},)"
            R"({"health":"Unhealthy","index":1,"memoryMiB":81559,)"
            R"("model":"NVIDIA H100 80GB HBM3","numa":1,"uuid":"GPU-b"}],"version":1})");
}

TEST(NodeGpusTest, EncodingDoesNotDependOnInputOrder) {
  std::vector<NodeGpu> reversed = TwoGpus();
  std::swap(reversed[0], reversed[1]);
  EXPECT_EQ(EncodeNodeGpus(reversed), EncodeNodeGpus(TwoGpus()));
}

TEST(NodeGpusTest, RoundTrips) {
  ASSERT_OK_AND_ASSIGN(std::vector<NodeGpu> decoded, DecodeNodeGpus(EncodeNodeGpus(TwoGpus())));
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[0], TwoGpus()[1]);
  EXPECT_EQ(decoded[1], TwoGpus()[0]);
}

TEST(NodeGpusTest, EmptyListIsANodeWithoutGpus) {
  ASSERT_OK_AND_ASSIGN(std::vector<NodeGpu> decoded, DecodeNodeGpus(R"({"gpus":[],"version":1})"));
  EXPECT_TRUE(decoded.empty());
}

TEST(NodeGpusTest, IgnoresUnknownFields) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<NodeGpu> decoded,
      DecodeNodeGpus(R"({"version":1,"extra":true,"gpus":[{"uuid":"GPU-a","index":0,)"
                     R"("model":"T4","memoryMiB":15360,"health":"Healthy","numa":-1,"x":1}]})"));
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].numa_node, -1);
}

struct BadCase {
  const char* json;
  const char* expected;
};

TEST(NodeGpusTest, RejectsMalformedAnnotationsNamingTheField) {
  const std::string gpu =
      R"("uuid":"GPU-a","index":0,"model":"T4","memoryMiB":15360,"health":"Healthy","numa":0)";
  const BadCase cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "expected a JSON object"},
      {R"({"gpus":[]})", "version: missing"},
      {R"({"version":2,"gpus":[]})", "unsupported version 2"},
      {R"({"version":"1","gpus":[]})", "version: expected an integer"},
      {R"({"version":1})", "gpus: missing"},
      {R"({"version":1,"gpus":{}})", "gpus: expected an array"},
      {R"({"version":1,"gpus":[1]})", "gpus[0]: expected an object"},
      {R"({"version":1,"gpus":[{"index":0}]})", "gpus[0].uuid: missing"},
      {R"({"version":1,"gpus":[{"uuid":"","index":0}]})", "gpus[0].uuid: empty"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":-1}]})", "gpus[0].index: must be in"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":1.5}]})", "gpus[0].index: expected an integer"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":0,"model":"T4","memoryMiB":-5}]})",
       "gpus[0].memoryMiB: must be in"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":0,"model":"T4","memoryMiB":18446744073709551615}]})",
       "gpus[0].memoryMiB"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":0,"model":"T4","memoryMiB":1,"health":"ok"}]})",
       "gpus[0].health: expected Healthy or Unhealthy"},
      {R"({"version":1,"gpus":[{"uuid":"GPU-a","index":0,"model":"T4","memoryMiB":1,"health":"Healthy"}]})",
       "gpus[0].numa: missing"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(DecodeNodeGpus(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::AllOf(HasSubstr("gpulet.io/gpus"), HasSubstr(c.expected))));
  }
  const std::string repeated_uuid = R"({"version":1,"gpus":[{)" + gpu + R"(},{)" +
                                    R"("uuid":"GPU-a","index":1,"model":"T4","memoryMiB":1,"health":"Healthy","numa":0}]})";
  EXPECT_THAT(DecodeNodeGpus(repeated_uuid),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[1].uuid: repeated UUID")));
  const std::string repeated_index = R"({"version":1,"gpus":[{)" + gpu + R"(},{)" +
                                     R"("uuid":"GPU-b","index":0,"model":"T4","memoryMiB":1,"health":"Healthy","numa":0}]})";
  EXPECT_THAT(DecodeNodeGpus(repeated_index),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpus[1].index: repeated index 0")));
}

}  // namespace
}  // namespace gpulet::handoff
