// Watcher: a reflector that keeps a consumer in step with one collection of
// the API server (nodes, or pods of a namespace / field selector).
//
// It LISTs and delivers every object as kAdded, then WATCHes from the
// list's resourceVersion. It tracks the last resourceVersion seen
// (including BOOKMARKs); when a stream ends, drops or times out it watches
// again from there after a back-off, so no event is lost or repeated. When
// the server answers 410 Gone (the version was compacted away) it relists
// and delivers the difference from what the consumer was last told: kAdded
// for new objects, kModified for changed ones, kDeleted for vanished ones.
// A consumer that applies every event therefore ends equal to the server.
//
// Threading: Start() spawns the watcher's own thread; the callback runs only
// on it, one event at a time, and must not block for long (a stalled
// callback stalls the stream). Stop() may be called from any thread, also
// concurrently and repeatedly; it interrupts a blocked stream at once (its
// socket is shut down) and joins. A Stop() during a LIST waits for that
// request and its retries. Stop() from inside the callback only asks the
// thread to end. Start() at most once. The Client must outlive the Watcher.
//
// Example:
//   WatchOptions options;
//   options.resource = "pods";
//   options.options.field_selector = "spec.nodeName=n1";
//   Watcher watcher(client.get(), options,
//                   [&](WatchEventType type, const nlohmann::json& pod) { ... });
//   watcher.Start();
//   watcher.WaitForSync(absl::Seconds(10));
#ifndef GPULET_KUBE_WATCH_H_
#define GPULET_KUBE_WATCH_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kube/client.h"
#include "kube/curl_transport.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube {

enum class WatchEventType { kAdded, kModified, kDeleted };

// "ADDED", "MODIFIED", "DELETED".
std::string_view WatchEventTypeName(WatchEventType type);

struct WatchOptions {
  std::string resource = "pods";  // "nodes" or "pods"
  // Any other collection by its API path, e.g.
  // "/apis/scheduling.volcano.sh/v1beta1/podgroups"; overrides `resource`.
  std::string collection_path;
  std::string ns;                 // pods only; "" = all namespaces
  ListOptions options;            // label and field selectors
  // timeoutSeconds of each watch request; the server ends the stream then
  // and the watcher resumes, which bounds how long a silently dead
  // connection can go unnoticed.
  absl::Duration watch_timeout = absl::Minutes(5);
  // Back-off between failed attempts (doubling, with jitter).
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
};

class Watcher {
 public:
  using Callback = std::function<void(WatchEventType, const nlohmann::json& object)>;

  // `client` must outlive the watcher.
  Watcher(Client* client, WatchOptions options, Callback callback);
  ~Watcher();  // Stop()
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void Start();
  void Stop();

  // True once the first LIST has been delivered; false after `timeout`.
  bool WaitForSync(absl::Duration timeout) const;
  // The last resourceVersion seen (list, event or bookmark).
  std::string resource_version() const;

  struct Stats {
    int lists = 0;      // LISTs delivered (1 + relists after 410)
    int watches = 0;    // watch requests started
    int events = 0;     // events delivered to the callback
    int failures = 0;   // failed LIST or watch attempts
  };
  Stats stats() const;
  // The most recent failure, OK if none.
  absl::Status last_error() const;

 private:
  enum class StreamEnd { kEnded, kExpired, kFailed, kStopped };

  void Run();
  absl::Status Relist();
  StreamEnd WatchOnce();
  // Applies one watch event line; false ends the stream with `*end`.
  bool OnLine(std::string_view line, bool* progressed, StreamEnd* end);
  void Deliver(WatchEventType type, const nlohmann::json& object);
  void RecordFailure(const absl::Status& status);
  // Sleeps for the back-off of the `failures`-th consecutive failure or
  // until Stop(); false when stopping.
  bool BackoffWait(int failures);
  bool stopping() const;

  Client* const client_;
  const WatchOptions options_;
  const Callback callback_;
  const std::string collection_path_;
  StreamCanceller canceller_;

  // Only the watcher thread touches these.
  std::map<std::string, nlohmann::json> known_;  // "ns/name" -> last delivered

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool synced_ ABSL_GUARDED_BY(mu_) = false;
  std::string resource_version_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::thread::id thread_id_ ABSL_GUARDED_BY(mu_);

  std::mutex lifecycle_mu_;  // serialises Start() and the join in Stop()
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_WATCH_H_
