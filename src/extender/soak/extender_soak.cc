// extender_soak: the scheduler extender under sustained load while its API
// server misbehaves, then a consistency check of what it holds against what
// the API server holds.
//
//   extender_soak [--decisions 100000] [--threads 8] [--nodes 64] [--seed 1]
//
// The real extender (HTTP server, decision core, watches through the real
// Kubernetes client) runs against the project's fake API server. Client
// threads create pods and POST /filter then /bind, as kube-scheduler does;
// a reaper finishes bound pods so the cluster never stays full; a seeded
// chaos thread drops the watches, compacts the history (410 Gone on the
// next watch), deletes pods between their /filter and /bind, fails binds
// and patches with 500, and removes nodes and brings them back. Afterwards,
// once the reservation TTL has passed and the watches have caught up:
//   - no reservation or bind in progress is left;
//   - the extender holds a grant for exactly the bound, running GPU pods
//     the API server has;
//   - per GPU, the decisions of those pods sum to at most one GPU, so no
//     whole GPU is granted twice;
//   - the ledger's free shares equal capacity minus those decisions.
// Prints a table; exits 1 on any inconsistency.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "extender/http_server.h"
#include "extender/kube_cluster_api.h"
#include "extender/soak/soak_check.h"
#include "extender/test_objects.h"
#include "httplib.h"
#include "kube/testing/fake_api_server.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

struct Options {
  int decisions = 100'000;
  int threads = 8;
  int nodes = 64;
  uint64_t seed = 1;
  bool faults = true;
  std::vector<std::string> only;  // inject only these fault kinds (drop, gone, delete, fail, node)
};

// Pods between their /filter and their /bind, for the chaos thread to
// delete; and the bound ones, for the reaper to finish.
class PodBook {
 public:
  void Filtered(const std::string& name) { Add(pending_, name); }
  void Done(const std::string& name, bool bound) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.erase(name);
    if (bound) bound_.push_back(name);
  }
  std::optional<std::string> AnyPending(std::mt19937_64& rng) { return Any(pending_, rng); }
  std::optional<std::string> TakeBound(std::mt19937_64& rng) {
    std::lock_guard<std::mutex> lock(mu_);
    if (bound_.empty()) return std::nullopt;
    size_t i = rng() % bound_.size();
    std::string name = bound_[i];
    bound_[i] = bound_.back();
    bound_.pop_back();
    return name;
  }
  size_t bound() {
    std::lock_guard<std::mutex> lock(mu_);
    return bound_.size();
  }

 private:
  void Add(std::set<std::string>& set, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    set.insert(name);
  }
  std::optional<std::string> Any(std::set<std::string>& set, std::mt19937_64& rng) {
    std::lock_guard<std::mutex> lock(mu_);
    if (set.empty()) return std::nullopt;
    auto it = set.begin();
    std::advance(it, static_cast<long>(rng() % std::min<size_t>(set.size(), 64)));
    return *it;
  }

  std::mutex mu_;
  std::set<std::string> pending_;
  std::vector<std::string> bound_;
};

// Outcome and fault counters, by name.
class Tally {
 public:
  void Add(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[key];
  }
  std::map<std::string, int64_t> counts() {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, int64_t> counts_;
};

std::string PodPath(const std::string& name) {
  return "/api/v1/namespaces/default/pods/" + name;
}

// A mix of whole-GPU and shared asks.
Json SoakPod(const std::string& name, std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return testing::PodObject(name, 2);
    case 1: return testing::PodObject(name, 1);
    case 2: return testing::PodObject(name, 1, 500);
    default: return testing::PodObject(name, 1, 250);
  }
}

void Client(int thread, const Options& options, std::atomic<int>& next, int port,
            const std::vector<std::string>& names, kube::testing::FakeApiServer& api,
            PodBook& book, Tally& outcomes) {
  std::mt19937_64 rng(options.seed * 1000 + static_cast<uint64_t>(thread));
  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);  // else Nagle holds each body for a delayed ACK
  for (int id = next++; id < options.decisions; id = next++) {
    std::string name = "p-" + std::to_string(id);
    Json pod = SoakPod(name, rng);
    if (!api.AddPod(pod).ok()) {
      outcomes.Add("pod-create-failed");
      continue;
    }
    ExtenderArgs args;
    args.pod = pod;
    args.node_names = names;
    httplib::Result filter = http.Post("/filter", EncodeExtenderArgs(args), "application/json");
    absl::StatusOr<ExtenderFilterResult> result =
        filter ? DecodeExtenderFilterResult(filter->body)
               : absl::StatusOr<ExtenderFilterResult>(absl::UnavailableError("no answer"));
    if (!result.ok() || !result->error.empty()) {
      outcomes.Add("filter-error");
      continue;
    }
    if (!result->node_names || result->node_names->empty()) {
      outcomes.Add("unschedulable");
      (void)api.DeletePod("default", name);
      continue;
    }
    book.Filtered(name);
    httplib::Result bind = http.Post(
        "/bind",
        EncodeExtenderBindingArgs({name, "default", "uid-" + name, (*result->node_names)[0]}),
        "application/json");
    absl::StatusOr<ExtenderBindingResult> bound =
        bind ? DecodeExtenderBindingResult(bind->body)
             : absl::StatusOr<ExtenderBindingResult>(absl::UnavailableError("no answer"));
    bool ok = bound.ok() && bound->error.empty();
    outcomes.Add(ok ? "bound" : "bind-error");
    book.Done(name, ok);
    if (!ok) (void)api.DeletePod("default", name);  // kube-scheduler would retry; we move on
  }
}

// Finishes bound pods (half by deletion, half by phase Succeeded) so that
// about `keep` stay running.
void Reaper(std::atomic<bool>& stop, size_t keep, uint64_t seed,
            kube::testing::FakeApiServer& api, PodBook& book, Tally& faults) {
  std::mt19937_64 rng(seed);
  while (!stop.load()) {
    while (book.bound() > keep) {
      std::optional<std::string> name = book.TakeBound(rng);
      if (!name) break;
      if (rng() % 2) {
        (void)api.DeletePod("default", *name);
        faults.Add("pod finished: deleted");
      } else if (std::optional<Json> pod = api.GetPod("default", *name)) {
        (*pod)["status"]["phase"] = "Succeeded";
        (void)api.UpdatePod(*pod);
        faults.Add("pod finished: Succeeded");
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Chaos(std::atomic<bool>& stop, uint64_t seed, const std::vector<std::string>& only,
           const std::vector<std::string>& names,
           kube::testing::FakeApiServer& api, PodBook& book, Tally& faults,
           std::set<std::string>& removed) {
  std::mt19937_64 rng(seed);
  while (!stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 20));
    static const std::map<std::string, uint64_t> kKinds = {
        {"drop", 0}, {"gone", 1}, {"delete", 2}, {"fail", 3}, {"node", 4}};
    uint64_t kind = only.empty() ? rng() % 6 : kKinds.at(only[rng() % only.size()]);
    switch (kind) {
      case 0:
        api.DropWatches();
        faults.Add("watch dropped");
        break;
      case 1:
        api.CompactHistory();
        api.DropWatches();
        faults.Add("watch 410 Gone");
        break;
      case 2:
        if (std::optional<std::string> pod = book.AnyPending(rng)) {
          (void)api.DeletePod("default", *pod);
          faults.Add("pod deleted mid-bind");
        }
        break;
      case 3:
        if (std::optional<std::string> pod = book.AnyPending(rng)) {
          api.FailNextRequests(rng() % 2 ? "POST" : "PATCH",
                               rng() % 2 ? PodPath(*pod) + "/binding" : PodPath(*pod), 1, 500);
          faults.Add("API 500 on a bind");
        }
        break;
      default: {
        // Removed nodes come back soon: most of the cluster stays up.
        if (!removed.empty() && rng() % 2) {
          std::string node = *removed.begin();
          (void)api.AddNode(testing::NodeObject(node, kSoakGpusPerNode));
          removed.erase(node);
          faults.Add("node re-added");
        } else if (const std::string& node = names[rng() % names.size()];
                   !removed.count(node) && api.DeleteNode(node).ok()) {
          removed.insert(node);
          faults.Add("node removed");
        }
        break;
      }
    }
  }
}

int Run(const Options& options) {
  absl::StatusOr<std::unique_ptr<kube::testing::FakeApiServer>> started =
      kube::testing::FakeApiServer::Start();
  if (!started.ok()) {
    std::fprintf(stderr, "fake API server: %s\n", std::string(started.status().message()).c_str());
    return 2;
  }
  kube::testing::FakeApiServer& api = **started;
  std::vector<std::string> names;
  for (int i = 0; i < options.nodes; ++i) {
    names.push_back("node-" + std::to_string(i));
    (void)api.AddNode(testing::NodeObject(names.back(), kSoakGpusPerNode));
  }
  std::unique_ptr<kube::Client> client = *kube::Client::Create(api.client_config());
  ClusterModel model;
  ExtenderMetrics metrics;
  KubeClusterApi cluster(client.get());
  ExtenderOptions extender_options;
  extender_options.reservation_ttl = std::chrono::seconds(1);
  std::unique_ptr<Extender> extender =
      *Extender::Create(extender_options, &model, &cluster, &metrics);
  ClusterSync sync(client.get(), &model, extender.get());
  sync.Start();
  if (!sync.WaitForSync(absl::Seconds(30))) {
    std::fprintf(stderr, "the extender's watches did not sync\n");
    return 2;
  }
  HttpServerOptions http_options;
  http_options.listen = "127.0.0.1:0";
  std::unique_ptr<ExtenderHttpServer> server =
      *ExtenderHttpServer::Start(http_options, extender.get(), &metrics, [] { return true; });

  PodBook book;
  Tally outcomes, faults;
  std::set<std::string> removed;
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  Clock::time_point start = Clock::now();
  // The binary's sweeper runs once a second; here more often, as TTLs are short.
  std::thread sweeper([&] {
    while (!stop.load()) {
      extender->ReleaseExpired();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  size_t capacity = static_cast<size_t>(options.nodes) * kSoakGpusPerNode;
  std::thread reaper(Reaper, std::ref(stop), capacity / 3, options.seed + 1, std::ref(api),
                     std::ref(book), std::ref(faults));
  std::thread chaos([&] {
    if (options.faults) Chaos(stop, options.seed + 2, options.only, names, api, book, faults, removed);
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < options.threads; ++t) {
    clients.emplace_back(Client, t, std::cref(options), std::ref(next), server->port(),
                         std::cref(names), std::ref(api), std::ref(book), std::ref(outcomes));
  }
  for (std::thread& thread : clients) thread.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop.store(true);
  chaos.join();
  reaper.join();
  sweeper.join();
  for (const std::string& node : removed) {
    (void)api.AddNode(testing::NodeObject(node, kSoakGpusPerNode));
  }

  SoakReport report = SettleAndCheck(api, model, *extender, names);
  server->Stop();
  sync.Stop();

  std::printf("extender soak: %d decisions from %d clients on %d nodes x %d GPUs, seed %llu, %.1f s "
              "(%.0f decisions/s)\n\n",
              options.decisions, options.threads, options.nodes, kSoakGpusPerNode,
              static_cast<unsigned long long>(options.seed), seconds, options.decisions / seconds);
  std::printf("%-28s %10s\n", "outcome", "count");
  for (const auto& [key, count] : outcomes.counts()) {
    std::printf("%-28s %10lld\n", key.c_str(), static_cast<long long>(count));
  }
  std::printf("\n%-28s %10s\n", "fault", "injected");
  for (const auto& [key, count] : faults.counts()) {
    std::printf("%-28s %10lld\n", key.c_str(), static_cast<long long>(count));
  }
  PrintReport(report);
  return report.inconsistencies() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gpulet::extender

int main(int argc, char** argv) {
  gpulet::extender::Options options;
  CLI::App app{"the scheduler extender under load and API server faults"};
  app.add_option("--decisions", options.decisions, "pods to decide")->capture_default_str();
  app.add_option("--threads", options.threads, "concurrent clients")->capture_default_str();
  app.add_option("--nodes", options.nodes, "GPU nodes")->capture_default_str();
  app.add_option("--seed", options.seed, "seed of the fault schedule")->capture_default_str();
  app.add_flag("!--no-faults", options.faults, "run without injecting faults");
  app.add_option("--only", options.only, "inject only these kinds of fault")
      ->delimiter(',')
      ->check(CLI::IsMember({"drop", "gone", "delete", "fail", "node"}));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::err);
  return gpulet::extender::Run(options);
}
