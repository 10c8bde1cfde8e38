#include "sched/trace.h"

#include <string>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kNodes[] =
    "sn,cpu_milli,memory_mib,gpu,model\n"
    "node-0,64000,262144,2,P100\n"
    "node-1,96000,786432,8,G2\r\n"
    "node-2,32000,131072,0,\n";

constexpr char kPodHeader[] =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase\n";

TEST(TraceTest, ParsesNodes) {
  ASSERT_OK_AND_ASSIGN(TraceCluster cluster, ParseNodeCsv(kNodes, "n.csv"));
  ASSERT_EQ(cluster.nodes.size(), 3u);
  EXPECT_EQ(cluster.names[1], "node-1");
  EXPECT_EQ(cluster.nodes[1].gpu_count, 8);
  EXPECT_EQ(cluster.nodes[1].model, 1);
  EXPECT_EQ(cluster.nodes[2].model, -1);
  EXPECT_EQ(cluster.models.size(), 2);
  EXPECT_EQ(cluster.gpu_capacity_milli(), 10000);
}

TEST(TraceTest, ParsesPodsSortedByNameWithModelMasks) {
  ASSERT_OK_AND_ASSIGN(TraceCluster cluster, ParseNodeCsv(kNodes, "n.csv"));
  std::string text = std::string(kPodHeader) +
                     "pod-2,8000,1024,1,460,P100|G2,LS,Running\n"
                     "pod-1,4000,512,0,0,,BE,Failed\n"
                     "pod-3,16000,2048,2,1000,,LS,Pending\n";
  ASSERT_OK_AND_ASSIGN(TraceWorkload w,
                       ParsePodCsv(text, "p.csv", cluster.models));
  ASSERT_EQ(w.pods.size(), 3u);
  EXPECT_EQ(w.pod_names, (std::vector<std::string>{"pod-1", "pod-2", "pod-3"}));
  EXPECT_EQ(w.pods[0], (PodRequest{4000, 512, 0, 0, 0}));
  EXPECT_EQ(w.pods[1], (PodRequest{8000, 1024, 1, 460, 0b11}));
  EXPECT_EQ(w.pods[2].gpu_count, 2);
}

TEST(TraceTest, FiveColumnPodFilesAreAccepted) {
  GpuModelTable models;
  ASSERT_OK_AND_ASSIGN(
      TraceWorkload w,
      ParsePodCsv("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1,2,4,1000\n",
                  "m.csv", models));
  EXPECT_EQ(w.pods[0].gpu_count, 4);
}

struct BadInput {
  const char* row;
  const char* message;
};

class BadPodRowTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadPodRowTest, IsAnErrorNamingFileAndLine) {
  ASSERT_OK_AND_ASSIGN(TraceCluster cluster, ParseNodeCsv(kNodes, "n.csv"));
  std::string text = std::string(kPodHeader) + "ok,1,1,0,0,,LS,Running\n" +
                     GetParam().row + "\n";
  EXPECT_THAT(ParsePodCsv(text, "pods.csv", cluster.models),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(std::string("pods.csv:3: ") +
                                 GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, BadPodRowTest,
    ::testing::Values(
        BadInput{"p,1000,1024", "missing field 'num_gpu'"},
        BadInput{"p,1000,1024,1", "missing field 'gpu_milli'"},
        BadInput{"p,abc,1024,1,500", "field 'cpu_milli' is not an integer"},
        BadInput{"p,1000,,1,500", "field 'memory_mib' is not an integer"},
        BadInput{"p,-5,1024,1,500", "field 'cpu_milli' is negative"},
        BadInput{"p,1,1024,-1,500", "field 'num_gpu' is negative"},
        BadInput{"p,1,1024,1,1500", "gpu_milli 1500 outside"},
        BadInput{"p,1,1024,1,0", "gpu_milli 0 outside"},
        BadInput{"p,1,1024,9,1000", "num_gpu 9 above 8"},
        BadInput{"p,1,1024,2,500", "a multi-GPU pod must take whole GPUs"},
        BadInput{"p,1,1024,1,500,A100,LS,Running", "unknown GPU model 'A100'"},
        BadInput{"p,1,1024,1,500,P100|", "unknown GPU model ''"}));

TEST(TraceTest, BadNodeRowsNameFileAndLine) {
  EXPECT_THAT(ParseNodeCsv("sn,cpu_milli,memory_mib,gpu,model\nn,1,2,3\n", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.csv:2: missing field 'model'")));
  EXPECT_THAT(ParseNodeCsv("sn,cpu_milli,memory_mib,gpu,model\nn,1,2,16,T4\n", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.csv:2: gpu 16 above 8")));
  EXPECT_THAT(ParseNodeCsv("sn,cpu_milli,memory_mib,gpu,model\nn,1,-2,1,T4\n", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.csv:2: field 'memory_mib' is negative")));
  EXPECT_THAT(ParseNodeCsv("sn,cpu_milli,memory_mib,gpu,model\nn,1,2,1,\n", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.csv:2: empty GPU model name")));
  EXPECT_THAT(ParseNodeCsv("name,cpu\n", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.csv:1: header lacks column 'sn'")));
  EXPECT_THAT(ParseNodeCsv("", "n.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

TEST(TraceTest, MissingFileIsNotFound) {
  EXPECT_THAT(LoadNodeFile("/nonexistent/nodes.csv"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nodes.csv")));
}

}  // namespace
}  // namespace gpulet::sched
