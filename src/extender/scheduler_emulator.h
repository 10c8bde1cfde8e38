// SchedulerEmulator: what kube-scheduler does with an extender, for
// end-to-end tests: it takes unbound pods of its scheduler from the API
// server one at a time (oldest first), asks the extender's /filter about
// every node, and for a pod that passes starts its /bind on a thread of its
// own (kube-scheduler's binding cycle is asynchronous, which is what lets
// gang members wait together at the extender's barrier). A pod no node
// passes is retried after `retry`. Pods named in `never_brought` are never
// sent to the extender, as if kube-scheduler's own filters rejected them.
//
// Thread-safe; runs `threads` scheduling threads until Stop().
#ifndef GPULET_EXTENDER_SCHEDULER_EMULATOR_H_
#define GPULET_EXTENDER_SCHEDULER_EMULATOR_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "extender/wire_types.h"
#include "httplib.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::extender::testing {

class SchedulerEmulator {
 public:
  SchedulerEmulator(kube::testing::FakeApiServer* api_server, int extender_port,
                    std::vector<std::string> node_names, int threads = 1,
                    std::set<std::string> never_brought = {})
      : api_server_(api_server),
        port_(extender_port),
        names_(std::move(node_names)),
        never_brought_(std::move(never_brought)) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { Run(); });
    }
  }
  ~SchedulerEmulator() { Stop(); }

  void Stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    // Binds in flight take mu_ when they end: join them without it.
    std::vector<std::thread> binds;
    {
      std::lock_guard<std::mutex> lock(mu_);
      binds.swap(binds_);
    }
    for (std::thread& bind : binds) {
      if (bind.joinable()) bind.join();
    }
  }

  // /bind answers with an error, e.g. a gang whose barrier timed out.
  int bind_errors() const { return bind_errors_.load(); }
  int binds() const { return binds_ok_.load(); }

 private:
  void Run() {
    httplib::Client http("127.0.0.1", port_);
    http.set_read_timeout(std::chrono::seconds(60));
    while (!stopping_) {
      std::optional<nlohmann::json> pod = Next();
      if (!pod) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      ExtenderArgs args;
      args.pod = *pod;
      args.node_names = names_;
      httplib::Result result =
          http.Post("/filter", EncodeExtenderArgs(args), "application/json");
      std::string key = Key(*pod);
      absl::StatusOr<ExtenderFilterResult> decoded =
          result ? DecodeExtenderFilterResult(result->body)
                 : absl::UnavailableError("no answer");
      if (!decoded.ok() || !decoded->node_names || decoded->node_names->empty()) {
        Retry(key);
        continue;
      }
      std::string node = decoded->node_names->front();
      std::lock_guard<std::mutex> lock(mu_);
      binds_.emplace_back([this, pod = *pod, node, key] {
        httplib::Client bind_http("127.0.0.1", port_);
        bind_http.set_read_timeout(std::chrono::seconds(60));
        httplib::Result bound = bind_http.Post(
            "/bind",
            EncodeExtenderBindingArgs({pod["metadata"]["name"],
                                       pod["metadata"]["namespace"],
                                       pod["metadata"]["uid"], node}),
            "application/json");
        absl::StatusOr<ExtenderBindingResult> answer =
            bound ? DecodeExtenderBindingResult(bound->body)
                  : absl::UnavailableError("no answer");
        if (answer.ok() && answer->error.empty()) {
          ++binds_ok_;
          Bound(key);
        } else {
          ++bind_errors_;
          Retry(key);
        }
      });
    }
  }

  static std::string Key(const nlohmann::json& pod) {
    return pod["metadata"].value("namespace", "") + "/" +
           pod["metadata"].value("name", "");
  }

  // The API server's pods, read at most every 20 ms: kube-scheduler works
  // from an informer cache too, and copying every pod for every pick would
  // make large tests slow under the sanitizers.
  std::shared_ptr<const std::vector<nlohmann::json>> Pods() {
    auto fresh = [this] {
      return pods_ != nullptr &&
             std::chrono::steady_clock::now() - pods_at_ < std::chrono::milliseconds(20);
    };
    std::shared_ptr<const std::vector<nlohmann::json>> old;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fresh()) return pods_;
      old = pods_;
    }
    // One thread reads the API server while the others go on with the
    // copy they have.
    std::unique_lock<std::mutex> refreshing(refresh_mu_, std::try_to_lock);
    if (!refreshing.owns_lock()) {
      if (old != nullptr) return old;
      refreshing.lock();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fresh()) return pods_;
    }
    auto pods = std::make_shared<const std::vector<nlohmann::json>>(
        api_server_->Objects("pods"));
    std::lock_guard<std::mutex> lock(mu_);
    pods_ = pods;
    pods_at_ = std::chrono::steady_clock::now();
    return pods;
  }

  // The oldest unbound pod not being scheduled or waiting for its retry.
  // A pod bound since the cache was read is skipped by its in-flight mark
  // until the cache shows it bound.
  std::optional<nlohmann::json> Next() {
    std::shared_ptr<const std::vector<nlohmann::json>> pods = Pods();
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (const nlohmann::json& pod : *pods) {
      std::string key = Key(pod);
      if (pod["spec"].contains("nodeName") || never_brought_.contains(pod["metadata"].value("name", "")) ||
          pod["status"].value("phase", "Pending") != "Pending" ||
          in_flight_.contains(key) || bound_.contains(key)) {
        continue;
      }
      auto retry = retry_at_.find(key);
      if (retry != retry_at_.end() && retry->second > now) continue;
      in_flight_.insert(key);
      return pod;
    }
    return std::nullopt;
  }

  void Retry(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    retry_at_[key] = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    in_flight_.erase(key);
  }
  void Bound(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_.erase(key);
    bound_.insert(key);
  }

  kube::testing::FakeApiServer* const api_server_;
  const int port_;
  const std::vector<std::string> names_;
  const std::set<std::string> never_brought_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> bind_errors_{0};
  std::atomic<int> binds_ok_{0};
  std::mutex mu_;
  std::mutex refresh_mu_;  // held by the one thread reading the pods
  std::set<std::string> in_flight_;
  std::set<std::string> bound_;  // never sent again, whatever the cache says
  std::shared_ptr<const std::vector<nlohmann::json>> pods_;
  std::chrono::steady_clock::time_point pods_at_;
  std::map<std::string, std::chrono::steady_clock::time_point> retry_at_;
  std::vector<std::thread> binds_;
  std::vector<std::thread> threads_;
};

}  // namespace gpulet::extender::testing

#endif  // GPULET_EXTENDER_SCHEDULER_EMULATOR_H_
