// Gang and queue benchmark (docs/gangs.md, docs/benchmarks.md):
//   BM_GangFilterBindHttp  gangs of 4 pods x 1 GPU (gpulet.io/group) in 4
//                          queues of weights 1..4, on 1,213 nodes of 8 GPUs
//                          half full, over loopback HTTP as kube-scheduler
//                          does it: each member's /filter (all 1,213 node
//                          names) in turn, its /bind started on a thread of
//                          its own, waiting at the barrier for the rest.
//                          Reports /filter p50/p99 and pods/s; the barrier's
//                          wait overlaps the later members' filters and is
//                          not in the filter latencies.
#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "extender/gang_test_objects.h"
#include "extender/http_server.h"
#include "gang/group_registry.h"
#include "httplib.h"
#include "instant_api.h"

namespace gpulet::extender {
namespace {

constexpr int kNodes = 1213;
constexpr int kGangSize = 4;
constexpr int kQueues = 4;

struct GangFixture {
  GangFixture() {
    std::vector<gang::QueueSpec> queues;
    for (int q = 0; q < kQueues; ++q) {
      gang::QueueSpec queue;
      queue.name = "q" + std::to_string(q);
      queue.weight = q + 1;
      queues.push_back(queue);
    }
    registry.SetConfiguredQueues(queues);
    for (int i = 0; i < kNodes; ++i) {
      names.push_back("node-" + std::to_string(i));
      (void)model.UpsertNode(testing::NodeObject(names.back(), 8, 81920));
    }
    extender = *Extender::Create({}, &model, &api, &metrics, &registry);
    // Half full, spread over the queues as their weights say.
    for (int i = 0; i < kNodes; ++i) {
      for (int k = 0; k < 4; ++k) {
        nlohmann::json pod = testing::QueuePod(
            "base-" + std::to_string(i) + "-" + std::to_string(k), 1,
            "q" + std::to_string((i + k) % kQueues));
        pod["spec"]["nodeName"] = names[i];
        pod["status"]["phase"] = "Running";
        extender->OnPodEvent("ADDED", pod);
      }
    }
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 16 + 96;
    server = *ExtenderHttpServer::Start(options, extender.get(), &metrics,
                                        [] { return true; });
  }

  gang::GroupRegistry registry;
  ClusterModel model;
  InstantApi api;
  ExtenderMetrics metrics;
  std::unique_ptr<Extender> extender;
  std::unique_ptr<ExtenderHttpServer> server;
  std::vector<std::string> names;
  int next_gang = 0;
};

void BM_GangFilterBindHttp(benchmark::State& state) {
  static GangFixture* fixture = new GangFixture();
  GangFixture& f = *fixture;
  httplib::Client client("127.0.0.1", f.server->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  std::vector<double> filters;
  int64_t failed = 0;
  int64_t pods = 0;
  for (auto _ : state) {
    state.PauseTiming();
    int id = f.next_gang++;
    std::string group = "gang-" + std::to_string(id);
    std::vector<nlohmann::json> members;
    for (int m = 0; m < kGangSize; ++m) {
      members.push_back(testing::GangPod(group + "-" + std::to_string(m), 1,
                                         group, kGangSize,
                                         "q" + std::to_string(id % kQueues)));
      f.extender->OnPodEvent("ADDED", members.back());
    }
    state.ResumeTiming();
    std::vector<std::future<bool>> binds;
    for (const nlohmann::json& pod : members) {
      ExtenderArgs args;
      args.pod = pod;
      args.node_names = f.names;
      auto start = std::chrono::steady_clock::now();
      httplib::Result filter =
          client.Post("/filter", EncodeExtenderArgs(args), "application/json");
      filters.push_back(std::chrono::duration<double, std::micro>(
                            std::chrono::steady_clock::now() - start)
                            .count());
      absl::StatusOr<ExtenderFilterResult> result =
          filter ? DecodeExtenderFilterResult(filter->body)
                 : absl::StatusOr<ExtenderFilterResult>(absl::UnavailableError(""));
      if (!result.ok() || !result->node_names || result->node_names->empty()) {
        ++failed;
        continue;
      }
      std::string name = pod["metadata"]["name"];
      std::string node = (*result->node_names)[0];
      binds.push_back(std::async(std::launch::async, [&f, name, node] {
        httplib::Client bind_client("127.0.0.1", f.server->port());
        httplib::Result bind = bind_client.Post(
            "/bind",
            EncodeExtenderBindingArgs({name, "default", "uid-" + name, node}),
            "application/json");
        return bind && bind->body == R"({"Error":""})";
      }));
    }
    for (auto& bind : binds) failed += bind.get() ? 0 : 1;
    pods += kGangSize;
    state.PauseTiming();
    for (nlohmann::json& pod : members) f.extender->OnPodEvent("DELETED", pod);
    state.ResumeTiming();
  }
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["pods_per_s"] =
      benchmark::Counter(static_cast<double>(pods), benchmark::Counter::kIsRate);
  std::sort(filters.begin(), filters.end());
  if (!filters.empty()) {
    state.counters["filter_p50_us"] = filters[filters.size() / 2];
    state.counters["filter_p99_us"] = filters[filters.size() * 99 / 100];
  }
}
BENCHMARK(BM_GangFilterBindHttp)->UseRealTime();

}  // namespace
}  // namespace gpulet::extender

BENCHMARK_MAIN();
