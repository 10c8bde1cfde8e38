// Scheduler benchmarks (docs/scheduler.md, "Benchmarks"):
//   BM_FgdDecision/<nodes>  one FGD decision (and its commit) on a synthetic
//                           cluster shaped like the Alibaba one, half full;
//                           reports wall-clock and CPU-time p50/p99 per
//                           decision as counters.
//   BM_FgdNewShape/<nodes>  the same for pod shapes never seen before, the
//                           case where no cached outcome can be reused.
//   BM_FgdVariantDecision/<variant>/<nodes>  BM_FgdDecision for fgd-cpumem,
//                           fgd-lookahead and both.
//   BM_ReplayTrace/<policy> a whole seeded replay of the default trace at
//                           1.3x (one seed per iteration), registered when
//                           --trace_dir=<alibaba-gpu-2023 folder> is given.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "sched/fgd_policy.h"
#include "sched/simulation.h"
#include "sched/trace.h"

namespace gpulet::sched {
namespace {

// The Alibaba cluster's node mix (model, GPUs, cores), by share of nodes.
struct NodeKind {
  int model, gpus, cores, weight;
};
constexpr NodeKind kKinds[] = {{0, 8, 96, 549}, {1, 2, 64, 387},
                               {2, 2, 64, 131}, {3, 8, 96, 39},
                               {4, 4, 96, 28},  {5, 8, 96, 21},
                               {4, 1, 32, 19},  {1, 4, 96, 17}};

std::vector<NodeState> SyntheticCluster(int nodes) {
  std::vector<NodeState> cluster;
  Rng rng(1);
  int total = 0;
  for (const NodeKind& k : kKinds) total += k.weight;
  for (int i = 0; i < nodes; ++i) {
    int pick = static_cast<int>(UniformIndex(rng, total));
    const NodeKind* kind = kKinds;
    while (pick >= kind->weight) pick -= (kind++)->weight;
    cluster.push_back(
        *NodeState::Idle(kind->cores * 1000, 393216, kind->gpus, kind->model));
  }
  return cluster;
}

std::vector<PodRequest> SyntheticPods(int count) {
  static constexpr int kMilli[] = {810, 470, 320, 650, 230, 460, 1000, 1000,
                                   1000, 0};
  static constexpr int kGpus[] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 0};
  std::vector<PodRequest> pods;
  Rng rng(2);
  for (int i = 0; i < count; ++i) {
    int s = static_cast<int>(UniformIndex(rng, 10));
    int64_t cpu = 1000 * (1 + UniformIndex(rng, 12));
    pods.push_back({cpu, 8192, kGpus[s], kMilli[s], 0});
  }
  return pods;
}

// A synthetic cluster filled by FGD to about half its GPUs, so decisions see
// a used cluster with many nodes still in their idle state.
struct HalfFullCluster {
  std::vector<NodeState> nodes;
  std::vector<const NodeState*> view;
  std::vector<PodRequest> pods = SyntheticPods(4096);
  FgdPolicy policy;

  explicit HalfFullCluster(int count, FgdOptions options = {})
      : nodes(SyntheticCluster(count)),
        policy(TargetWorkload::FromPods(pods), options, 1) {
    for (const NodeState& node : nodes) view.push_back(&node);
    int64_t capacity = 0, used = 0;
    for (const NodeState& node : nodes) capacity += node.gpu_count * 1000;
    for (size_t i = 0; used < capacity / 2; ++i) {
      const PodRequest& pod = pods[i % pods.size()];
      if (auto p = policy.Decide(view, pod)) {
        if (Apply(nodes[p->node], pod, p->gpus).ok()) {
          used += pod.total_gpu_milli();
        }
      }
    }
  }

  // Decides `pod`, then commits and releases it, so the cluster stays half
  // full while the chosen node changes version as after a real placement.
  void DecideAndUndo(const PodRequest& pod) {
    std::optional<Placement> p = policy.Decide(view, pod);
    if (p && Apply(nodes[p->node], pod, p->gpus).ok()) {
      benchmark::DoNotOptimize(Release(nodes[p->node], pod, p->gpus));
    }
  }
};

// Wall clock and this thread's CPU time: on a loaded machine the wall-clock
// tail is mostly time spent preempted, the CPU-time tail is the decision's.
double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

void ReportPercentiles(benchmark::State& state, std::vector<double> wall,
                       std::vector<double> cpu) {
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  state.counters["p50_us"] = wall[wall.size() / 2];
  state.counters["p99_us"] = wall[wall.size() * 99 / 100];
  state.counters["cpu_p50_us"] = cpu[cpu.size() / 2];
  state.counters["cpu_p99_us"] = cpu[cpu.size() * 99 / 100];
  state.counters["cpu_max_us"] = cpu.back();
}

// Times `decide(i)` for the i-th iteration.
template <typename Decide>
void TimeDecisions(benchmark::State& state, Decide decide) {
  std::vector<double> wall, cpu;
  size_t i = 0;
  for (auto _ : state) {
    double cpu_start = ThreadCpuMicros();
    auto start = std::chrono::steady_clock::now();
    decide(i++);
    std::chrono::duration<double, std::micro> took =
        std::chrono::steady_clock::now() - start;
    cpu.push_back(ThreadCpuMicros() - cpu_start);
    wall.push_back(took.count());
  }
  ReportPercentiles(state, std::move(wall), std::move(cpu));
}

void BM_FgdDecision(benchmark::State& state) {
  HalfFullCluster cluster(static_cast<int>(state.range(0)));
  TimeDecisions(state, [&](size_t i) {
    cluster.DecideAndUndo(cluster.pods[i % cluster.pods.size()]);
  });
}
BENCHMARK(BM_FgdDecision)->Arg(1213)->Arg(10000)->Iterations(20000)
    ->Unit(benchmark::kMicrosecond);

FgdOptions Variant(bool resource_aware, bool lookahead) {
  FgdOptions options;
  if (resource_aware) options.measure = FragmentMeasure::kResourceAware;
  if (lookahead) options.lookahead = 8;  // as policy_factory.cc
  return options;
}

void BM_FgdVariantDecision(benchmark::State& state, FgdOptions options) {
  HalfFullCluster cluster(static_cast<int>(state.range(0)), options);
  TimeDecisions(state, [&](size_t i) {
    cluster.DecideAndUndo(cluster.pods[i % cluster.pods.size()]);
  });
}
BENCHMARK_CAPTURE(BM_FgdVariantDecision, cpumem, Variant(true, false))
    ->Arg(1213)->Arg(10000)->Iterations(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_FgdVariantDecision, lookahead, Variant(false, true))
    ->Arg(1213)->Arg(10000)->Iterations(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_FgdVariantDecision, cpumem_lookahead, Variant(true, true))
    ->Arg(1213)->Arg(10000)->Iterations(20000)->Unit(benchmark::kMicrosecond);

// The worst case: every decision is for a pod shape never seen before (a CPU
// request no earlier pod had), so no node has a cached outcome for it.
void BM_FgdNewShape(benchmark::State& state) {
  HalfFullCluster cluster(static_cast<int>(state.range(0)));
  TimeDecisions(state, [&](size_t i) {
    PodRequest pod = cluster.pods[i % cluster.pods.size()];
    pod.cpu_milli = 100 + static_cast<int64_t>(i);
    cluster.DecideAndUndo(pod);
  });
}
BENCHMARK(BM_FgdNewShape)->Arg(1213)->Arg(10000)->Iterations(500)
    ->Unit(benchmark::kMicrosecond);

void ReplayTrace(benchmark::State& state, const std::string& trace_dir,
                 const std::string& policy) {
  auto cluster = LoadNodeFile(trace_dir + "/csv/openb_node_list_gpu_node.csv");
  if (!cluster.ok()) {
    state.SkipWithError(std::string(cluster.status().message()).c_str());
    return;
  }
  auto workload = LoadPodFile(trace_dir + "/csv/openb_pod_list_default.csv",
                              cluster->models);
  if (!workload.ok()) {
    state.SkipWithError(std::string(workload.status().message()).c_str());
    return;
  }
  TargetWorkload oracle = TargetWorkload::FromPods(workload->pods);
  uint64_t seed = 42;
  int64_t pods = 0;
  for (auto _ : state) {
    auto result = Simulate(*cluster, *workload, oracle, policy, {1.3, seed++});
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    pods += result->arrived_pods;
  }
  state.counters["pods_per_s"] =
      benchmark::Counter(static_cast<double>(pods), benchmark::Counter::kIsRate);
}
// Registered from main only when --trace_dir is given.
void RegisterReplays(const std::string& trace_dir) {
  for (const char* policy : {"fgd", "fgd-exact", "bestfit", "fgd-cpumem",
                             "fgd-lookahead", "fgd-cpumem-lookahead"}) {
    benchmark::RegisterBenchmark(
        (std::string("BM_ReplayTrace/") + policy).c_str(),
        [trace_dir, policy](benchmark::State& state) {
          ReplayTrace(state, trace_dir, policy);
        })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(5);
  }
}

}  // namespace
}  // namespace gpulet::sched

int main(int argc, char** argv) {
  // Our one flag is taken out before Google Benchmark parses the rest.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--trace_dir=", 0) == 0) {
      gpulet::sched::RegisterReplays(arg.substr(12));
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
