// Scheduler extender benchmarks (docs/scheduler-extender.md, "Benchmarks"):
//   BM_FilterBindHttp   a kube-scheduler-shaped POST /filter (nodeCacheCapable:
//                       all 1,213 node names) then POST /bind, over loopback
//                       HTTP against the real server, FGD deciding; reports
//                       the filter+bind round trip p50/p99 and decisions/s.
//                       With threads:2, two schedulers-worth of clients
//                       drive the server at once (sustained throughput).
//   BM_FilterBindInProcess  the same decisions without HTTP or JSON.
// Each bound pod is then deleted through the pod-event path, so the cluster
// stays about half full and every iteration decides on the same load.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "extender/http_server.h"
#include "instant_api.h"
#include "extender/test_objects.h"
#include "httplib.h"

namespace gpulet::extender {
namespace {

constexpr int kNodes = 1213;

double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return 1e6 * static_cast<double>(now.tv_sec) + 1e-3 * static_cast<double>(now.tv_nsec);
}

struct Fixture {
  Fixture() {
    for (int i = 0; i < kNodes; ++i) {
      names.push_back("node-" + std::to_string(i));
      (void)model.UpsertNode(testing::NodeObject(names.back(), 8, 81920));
    }
    extender = *Extender::Create({}, &model, &api, &metrics);
    // Half full: one whole GPU and one half GPU taken on every node.
    for (int i = 0; i < kNodes; ++i) {
      for (int k = 0; k < 4; ++k) {
        nlohmann::json pod = testing::PodObject(
            "base-" + std::to_string(i) + "-" + std::to_string(k), 1,
            k % 2 ? 500 : 0);
        pod["spec"]["nodeName"] = names[i];
        extender->OnPodEvent("ADDED", pod);
      }
    }
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    server = *ExtenderHttpServer::Start(options, extender.get(), &metrics,
                                        [] { return true; });
  }

  ClusterModel model;
  InstantApi api;
  ExtenderMetrics metrics;
  std::unique_ptr<Extender> extender;
  std::unique_ptr<ExtenderHttpServer> server;
  std::vector<std::string> names;
  std::atomic<int> next_pod{0};
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_FilterBindHttp(benchmark::State& state) {
  Fixture& f = Shared();
  httplib::Client client("127.0.0.1", f.server->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  std::vector<double> mine;
  int64_t failed = 0;
  std::clock_t cpu_start = std::clock();  // the whole process: server too
  double client_start_us = ThreadCpuMicros();
  double pod_events_us = 0;  // server work done on this thread
  for (auto _ : state) {
    int id = f.next_pod++;
    std::string name = "pod-" + std::to_string(id);
    nlohmann::json pod = testing::PodObject(name, 1, id % 3 ? 250 * (id % 3) : 0);
    ExtenderArgs args;
    args.pod = pod;
    args.node_names = f.names;
    std::string body = EncodeExtenderArgs(args);
    auto start = std::chrono::steady_clock::now();
    httplib::Result filter = client.Post("/filter", body, "application/json");
    absl::StatusOr<ExtenderFilterResult> result =
        filter ? DecodeExtenderFilterResult(filter->body)
               : absl::StatusOr<ExtenderFilterResult>(absl::UnavailableError(""));
    if (!result.ok() || !result->node_names || result->node_names->empty()) {
      ++failed;
      continue;
    }
    httplib::Result bind = client.Post(
        "/bind",
        EncodeExtenderBindingArgs(
            {name, "default", "uid-" + name, (*result->node_names)[0]}),
        "application/json");
    auto end = std::chrono::steady_clock::now();
    if (!bind || bind->body != R"({"Error":""})") ++failed;
    mine.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    state.PauseTiming();
    double before = ThreadCpuMicros();
    f.extender->OnPodEvent("DELETED", pod);
    pod_events_us += ThreadCpuMicros() - before;
    state.ResumeTiming();
  }
  double client_us = ThreadCpuMicros() - client_start_us - pod_events_us;
  state.counters["failed"] = static_cast<double>(failed);
  // Client and server CPU per decision; its inverse times the cores is the
  // rate an unloaded machine sustains.
  if (!mine.empty()) {
    double cpu_us = 1e6 * static_cast<double>(std::clock() - cpu_start) /
                    CLOCKS_PER_SEC;
    double decisions = static_cast<double>(mine.size()) * state.threads();
    state.counters["process_cpu_us_per_decision"] = benchmark::Counter(
        cpu_us / decisions, benchmark::Counter::kAvgThreads);
    // Without this thread's client work (encoding 1,213 names, the HTTP
    // client, decoding answers): what the extender itself spends, which is
    // what kube-scheduler's own cores do not pay for. Each thread reports
    // its share; the library averages them.
    state.counters["server_cpu_us_per_decision"] = benchmark::Counter(
        (cpu_us - client_us * state.threads()) / decisions,
        benchmark::Counter::kAvgThreads);
  }
  state.counters["decisions_per_s"] = benchmark::Counter(
      static_cast<double>(mine.size()), benchmark::Counter::kIsRate);
  // Per thread, averaged over the threads by the library.
  std::sort(mine.begin(), mine.end());
  if (!mine.empty()) {
    state.counters["p50_us"] = benchmark::Counter(
        mine[mine.size() / 2], benchmark::Counter::kAvgThreads);
    state.counters["p99_us"] = benchmark::Counter(
        mine[mine.size() * 99 / 100], benchmark::Counter::kAvgThreads);
  }
}
// The decision core alone (no HTTP, no JSON): Filter then Bind in process.
void BM_FilterBindInProcess(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    int id = f.next_pod++;
    std::string name = "pod-" + std::to_string(id);
    ExtenderArgs args;
    args.pod = testing::PodObject(name, 1, id % 3 ? 250 * (id % 3) : 0);
    args.node_names = f.names;
    ExtenderFilterResult result = f.extender->Filter(args);
    ExtenderBindingResult bind = f.extender->Bind(
        {name, "default", "uid-" + name, (*result.node_names)[0]});
    benchmark::DoNotOptimize(bind);
    state.PauseTiming();
    f.extender->OnPodEvent("DELETED", args.pod);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_FilterBindInProcess);

// The server's share of the JSON: decoding a 1,213-name ExtenderArgs.
void BM_DecodeFilterArgs(benchmark::State& state) {
  Fixture& f = Shared();
  ExtenderArgs args;
  args.pod = testing::PodObject("p", 1, 500);
  args.node_names = f.names;
  std::string body = EncodeExtenderArgs(args);
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeExtenderArgs(body));
  }
  state.counters["bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_DecodeFilterArgs);

BENCHMARK(BM_FilterBindHttp)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace gpulet::extender

BENCHMARK_MAIN();
