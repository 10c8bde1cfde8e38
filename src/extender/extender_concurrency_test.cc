// 1,000 pods filtered and bound from 16 threads against 100 nodes: no GPU
// share is ever handed out twice (HAMi's open bug), and every grant the
// extender holds matches a bound pod.
#include <atomic>
#include <map>
#include <thread>

#include "base/status_matchers.h"
#include "extender/extender.h"
#include "extender/test_objects.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "handoff/pod_decision.h"

namespace gpulet::extender {
namespace {

using testing::FakeClusterApi;
using testing::NodeObject;
using testing::PodObject;

constexpr int kNodes = 100;
constexpr int kPods = 1000;
constexpr int kThreads = 16;

nlohmann::json MixedPod(int i) {
  std::string name = "pod-" + std::to_string(i);
  switch (i % 4) {
    case 0:
      return PodObject(name, 1);
    case 1:
      return PodObject(name, 1, 250);
    case 2:
      return PodObject(name, 1, 500);
    default:
      return PodObject(name, 1, 0, 30000);
  }
}

void RunStress(const std::string& policy) {
  ClusterModel model;
  FakeClusterApi api;
  ExtenderMetrics metrics;
  ExtenderOptions options;
  options.policy = policy;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Extender> extender,
                       Extender::Create(options, &model, &api, &metrics));
  std::vector<std::string> names;
  for (int n = 0; n < kNodes; ++n) {
    names.push_back("node-" + std::to_string(n));
    ASSERT_OK(model.UpsertNode(NodeObject(names.back(), 4, 81920)));
  }
  std::atomic<int> bound{0}, unschedulable{0}, errors{0};
  std::atomic<bool> done{false};
  std::thread sweeper([&] {
    while (!done.load()) extender->ReleaseExpired();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kPods; i += kThreads) {
        ExtenderArgs args;
        args.pod = MixedPod(i);
        api.AddPod(args.pod);
        args.node_names = names;
        ExtenderFilterResult result = extender->Filter(args);
        if (!result.error.empty()) {
          ++errors;
          continue;
        }
        if (result.node_names->empty()) {
          ++unschedulable;
          continue;
        }
        std::string pod = "pod-" + std::to_string(i);
        ExtenderBindingResult bind = extender->Bind(
            {pod, "default", "uid-" + pod, (*result.node_names)[0]});
        if (bind.error.empty()) {
          ++bound;
        } else {
          ++errors;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done.store(true);
  sweeper.join();

  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(bound.load() + unschedulable.load(), kPods);
  // Demand is about 530 GPUs for 400: some pods must stay unschedulable.
  EXPECT_GT(bound.load(), kPods / 2);
  EXPECT_GT(unschedulable.load(), 0);
  // Every GPU's shares, summed over the decisions written, fit in it.
  std::map<std::string, int64_t> milli_by_gpu;
  int64_t total = 0;
  for (const auto& [pod, annotations] : api.patched) {
    ASSERT_OK_AND_ASSIGN(
        handoff::PodDecision decision,
        handoff::DecodePodDecision(
            annotations.at(std::string(handoff::kDecisionAnnotation))));
    EXPECT_EQ(api.bound.at(pod), decision.node);
    for (const auto& container : decision.containers) {
      for (const auto& gpu : container.gpus) {
        milli_by_gpu[gpu.uuid] += gpu.milli;
        total += gpu.milli;
      }
    }
  }
  for (const auto& [uuid, milli] : milli_by_gpu) {
    EXPECT_LE(milli, 1000) << uuid << " handed out twice";
  }
  EXPECT_EQ(testing::UsedGpuMilli(model), total);
  EXPECT_EQ(extender->grants().size(), bound.load());
  EXPECT_EQ(static_cast<int>(api.bound.size()), bound.load());
}

TEST(ExtenderConcurrencyTest, NoDoubleAllocationWithFgd) { RunStress("fgd"); }

TEST(ExtenderConcurrencyTest, NoDoubleAllocationWithBinpack) {
  RunStress("binpack");
}

}  // namespace
}  // namespace gpulet::extender
