#include "sched/gang_workload.h"

#include <algorithm>
#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(GenerateGangWorkloadTest, SameSeedSameJobsOtherSeedOtherJobs) {
  GangWorkloadOptions options;
  ASSERT_OK_AND_ASSIGN(GangWorkload a, GenerateGangWorkload(options, 42));
  ASSERT_OK_AND_ASSIGN(GangWorkload b, GenerateGangWorkload(options, 42));
  ASSERT_OK_AND_ASSIGN(GangWorkload c, GenerateGangWorkload(options, 43));
  EXPECT_EQ(a.jobs, b.jobs);
  EXPECT_NE(a.jobs, c.jobs);
}

TEST(GenerateGangWorkloadTest, StaysWithinTheKnobs) {
  GangWorkloadOptions options;
  options.jobs = 4000;
  options.min_pods = 2;
  options.max_pods = 6;
  options.pod_gpus = {1, 4};
  options.queues = {{"a", 1}, {"b", 2}, {"c", 1}};
  ASSERT_OK_AND_ASSIGN(GangWorkload workload, GenerateGangWorkload(options, 7));
  ASSERT_EQ(workload.jobs.size(), 4000u);
  int gangs = 0, high = 0;
  double duration_s = 0;
  int64_t last_arrival = 0;
  for (const GangJob& job : workload.jobs) {
    if (job.gang) {
      ++gangs;
      EXPECT_GE(job.pods, 2);
      EXPECT_LE(job.pods, 6);
    } else {
      EXPECT_EQ(job.pods, 1);
    }
    EXPECT_TRUE(job.pod.gpu_count == 1 || job.pod.gpu_count == 4);
    EXPECT_EQ(job.pod.gpu_milli, kMilliPerGpu);
    EXPECT_GE(job.queue, 0);
    EXPECT_LT(job.queue, 3);
    EXPECT_GE(job.duration_s, 60);
    EXPECT_GE(job.arrival_s, last_arrival);
    last_arrival = job.arrival_s;
    high += job.priority;
    duration_s += static_cast<double>(job.duration_s);
  }
  EXPECT_NEAR(gangs / 4000.0, 0.7, 0.03);
  EXPECT_NEAR(high / 4000.0, 0.1, 0.02);
  EXPECT_NEAR(duration_s / 4000.0 / 60, 30, 3);
  // Poisson arrivals at the derived rate: 4000 jobs take 4000 / rate minutes.
  double minutes = 4000 / EffectiveArrivalRate(options);
  EXPECT_NEAR(static_cast<double>(last_arrival) / 60, minutes, 0.1 * minutes);
}

TEST(GenerateGangWorkloadTest, DerivedRateOffersTheOversubscription) {
  GangWorkloadOptions options;
  options.gang_share = 1;
  options.min_pods = options.max_pods = 2;
  options.pod_gpus = {4};
  options.cluster_gpus = 80;
  options.job_minutes = 10;
  // 80 GPUs x 1.3 busy = rate x 10 min x 8 GPUs.
  EXPECT_NEAR(EffectiveArrivalRate(options), 1.3, 1e-9);
  options.arrival_rate_per_minute = 2;
  EXPECT_EQ(EffectiveArrivalRate(options), 2);
}

TEST(GangWorkloadFlagsTest, ParsesGoodValues) {
  ASSERT_OK_AND_ASSIGN(std::vector<GangQueue> queues,
                       ParseGangQueues("research:3,batch:1:16"));
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues[0].name, "research");
  EXPECT_EQ(queues[0].weight, 3);
  EXPECT_TRUE(std::isinf(queues[0].capability_gpus));
  EXPECT_EQ(queues[1].capability_gpus, 16);
  ASSERT_OK_AND_ASSIGN(auto range, ParsePodRange("1-16", "--job-pods"));
  EXPECT_EQ(range, std::pair(1, 16));
  ASSERT_OK_AND_ASSIGN(range, ParsePodRange("4", "--job-pods"));
  EXPECT_EQ(range, std::pair(4, 4));
  ASSERT_OK_AND_ASSIGN(std::vector<int> gpus,
                       ParseGpuCounts("1,2,4,8", "--pod-gpus"));
  EXPECT_EQ(gpus, (std::vector<int>{1, 2, 4, 8}));
}

TEST(GangWorkloadFlagsTest, RejectsMalformedValuesNamingTheFlag) {
  for (const char* bad : {"", "research", "a:0", "a:-1", "a:x", "a:1:0",
                          "a:1:2:3", ":1", "a:1,a:2", "a:nan"}) {
    EXPECT_THAT(
        ParseGangQueues(bad),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--queues")))
        << bad;
  }
  for (const char* bad : {"", "0-3", "5-2", "x", "1-65", "1-2-3", "-1"}) {
    EXPECT_THAT(
        ParsePodRange(bad, "--job-pods"),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--job-pods")))
        << bad;
  }
  for (const char* bad : {"", "0", "9", "1,,2", "two", "1.5"}) {
    EXPECT_THAT(
        ParseGpuCounts(bad, "--pod-gpus"),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--pod-gpus")))
        << bad;
  }
}

TEST(GangWorkloadFlagsTest, RejectsOutOfRangeOptionsNamingTheFlag) {
  struct Case {
    const char* flag;
    void (*spoil)(GangWorkloadOptions&);
  };
  const Case cases[] = {
      {"--gang-jobs", [](GangWorkloadOptions& o) { o.jobs = 0; }},
      {"--gang-share", [](GangWorkloadOptions& o) { o.gang_share = 1.5; }},
      {"--gang-share", [](GangWorkloadOptions& o) { o.gang_share = -0.1; }},
      {"--job-pods", [](GangWorkloadOptions& o) { o.min_pods = 0; }},
      {"--pod-gpus", [](GangWorkloadOptions& o) { o.pod_gpus = {16}; }},
      {"--arrival-rate",
       [](GangWorkloadOptions& o) { o.arrival_rate_per_minute = -1; }},
      {"--job-minutes", [](GangWorkloadOptions& o) { o.job_minutes = 0; }},
      {"--high-priority-share",
       [](GangWorkloadOptions& o) { o.high_priority_share = 2; }},
      {"--queues", [](GangWorkloadOptions& o) { o.queues.clear(); }},
  };
  for (const Case& c : cases) {
    GangWorkloadOptions options;
    c.spoil(options);
    EXPECT_THAT(GenerateGangWorkload(options, 1),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.flag)))
        << c.flag;
  }
}

TEST(SyntheticGangClusterTest, IdleNodesWithRoomForEveryGpu) {
  GangWorkloadOptions options;
  TraceCluster cluster = SyntheticGangCluster(3, 8, options);
  ASSERT_EQ(cluster.nodes.size(), 3u);
  EXPECT_EQ(cluster.gpu_capacity_milli(), 24 * kMilliPerGpu);
  PodRequest eight{8 * options.cpu_milli_per_gpu,
                   8 * options.memory_mib_per_gpu, 8, kMilliPerGpu, 0};
  EXPECT_TRUE(Fits(cluster.nodes[0], eight));
}

}  // namespace
}  // namespace gpulet::sched
