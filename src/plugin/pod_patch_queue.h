// PodPatchQueue: writes the device plugin's progress on a scheduler
// decision back to the pod — gpulet.io/allocated-containers after each
// served container, gpulet.io/bind-phase=success after the last — on its
// own thread, so Allocate never waits for the API server.
//
// Patches of one pod coalesce (the newest count wins); a failed patch is
// retried with back-off (1 s doubling to 30 s) until a newer one replaces
// it or the queue stops. A failure is logged once per pod and cause.
//
// Thread-safe. Stop() (also run by the destructor) ends the thread; patches
// still queued then are dropped with one log line each.
#ifndef GPULET_PLUGIN_POD_PATCH_QUEUE_H_
#define GPULET_PLUGIN_POD_PATCH_QUEUE_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "plugin/grant_ledger.h"
#include "plugin/handoff_api.h"

namespace gpulet::plugin {

// The annotations that record `claim` as served.
AnnotationPatch ServedPatch(const GrantClaim& claim);

class PodPatchQueue {
 public:
  // `api` must outlive the queue.
  explicit PodPatchQueue(HandoffApi* api,
                         std::chrono::milliseconds retry_min = std::chrono::seconds(1),
                         std::chrono::milliseconds retry_max = std::chrono::seconds(30));
  ~PodPatchQueue();
  PodPatchQueue(const PodPatchQueue&) = delete;
  PodPatchQueue& operator=(const PodPatchQueue&) = delete;

  void Served(const GrantClaim& claim) ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until nothing is queued or in flight, for tests.
  bool WaitIdleForTest(std::chrono::milliseconds timeout) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Pending {
    std::string ns, name;
    size_t served = 0;
    AnnotationPatch patch;
    std::chrono::steady_clock::time_point not_before;
    std::chrono::milliseconds delay{0};
    std::string last_error;
  };

  void Run();

  HandoffApi* const api_;
  const std::chrono::milliseconds retry_min_, retry_max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Pending> queue_ ABSL_GUARDED_BY(mu_);  // by pod uid
  // The highest count ever queued per pod uid: only a higher one is queued
  // again, and a queued count replaces a lower one not yet written.
  std::map<std::string, size_t> highest_ ABSL_GUARDED_BY(mu_);
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_POD_PATCH_QUEUE_H_
