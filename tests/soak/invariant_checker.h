// InvariantChecker: what the soak knows of the machine and of its own
// intent (layout, faulty GPUs, the config it means to run), checked against
// what the agent shows — every ListAndWatch list as it arrives, the labels
// file, the process and its resources every poll. Each broken invariant is
// a named counter; the first few occurrences are kept as text for the log.
//
// Thread-safe: lists arrive on watcher threads, the fault drivers note
// their intent and query from theirs, Poll() runs on the monitor's.
#ifndef GPULET_TESTS_SOAK_INVARIANT_CHECKER_H_
#define GPULET_TESTS_SOAK_INVARIANT_CHECKER_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "soak_layouts.h"

namespace gpulet::soak {

using Clock = std::chrono::steady_clock;

// The invariants, by counter name.
inline constexpr char kPhantomDevice[] = "never advertises a device the machine lacks";
inline constexpr char kUnhealthyLate[] = "fatal fault -> Unhealthy within 1 s";
inline constexpr char kHealthyEarly[] = "no Healthy before the recovery window";
inline constexpr char kNotRecovered[] = "Healthy again after the recovery window";
inline constexpr char kSpuriousUnhealthy[] = "no Unhealthy without a fatal fault";
inline constexpr char kRegisterLate[] = "re-registered within 1 s of a kubelet restart";
inline constexpr char kLabelsBroken[] = "labels file complete and readable by others";
inline constexpr char kBrokenConfigApplied[] = "a broken config never replaces a working one";
inline constexpr char kConfigNotApplied[] = "a good config is applied (10 s)";
inline constexpr char kLayoutNotApplied[] = "a new MIG layout is served (rescan + 5 s)";
inline constexpr char kCrashed[] = "no crash (alive, clean exit)";
inline constexpr char kFdGrowth[] = "open fds bounded";
inline constexpr char kRssGrowth[] = "RSS growth <= 1 MiB after warm-up";
inline constexpr char kMetricsBlocked[] = "/healthz answers within 1 s under slow clients";

struct CheckerOptions {
  std::chrono::milliseconds recovery_window;
  std::chrono::milliseconds rescan_interval;
  std::string labels_path;
  std::set<int> good_replicas;  // what the good configs set
};

class InvariantChecker {
 public:
  InvariantChecker(CheckerOptions options, Layout initial);

  // --- From the watchers. ---
  void OnList(const std::string& resource, const v1beta1::ListAndWatchResponse& list);
  void OnStreamEnd(const std::string& resource);

  // --- Intent, from the fault drivers. ---
  void SetLayout(Layout layout);
  // A fatal fault on `gpu` began (XID, fell off the bus) / had its last
  // event (the XID itself, or the GPU answering again).
  void BeginGpuFault(int gpu);
  void EndGpuFault(int gpu);
  void Violate(const char* invariant, std::string what);

  // --- Queries. ---
  // How many advertised devices of `gpu` are Healthy and how many not.
  struct GpuHealth {
    int healthy = 0;
    int unhealthy = 0;
  };
  GpuHealth Health(int gpu) const;
  // The nvidia.com/gpu lists and the labels show `replicas`.
  bool ConfigApplied(int replicas) const;
  // The MIG devices advertised are exactly the current layout's.
  bool LayoutApplied() const;
  std::set<std::string> Resources() const;
  // What the agent shows now, for a failure message.
  std::string Describe() const;

  // Checks health expectations and the labels file; call every few ms.
  void Poll();

  std::map<std::string, int64_t> Violations() const;
  std::vector<std::string> Examples() const;

 private:
  struct GpuFault {
    bool active = false;
    // The devices seen Unhealthy in this episode. Each resource has its own
    // stream, so one device may still show Healthy while another already
    // shows the fault; only a device that was Unhealthy can recover early.
    std::set<std::string> seen_unhealthy;
    bool reported = false;  // one report per episode
    Clock::time_point quiet_since{};  // the fault's last event
  };

  void CheckIds(const std::string& resource, const v1beta1::ListAndWatchResponse& list)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<int> GpuOf(const std::string& id, Clock::time_point now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckHealth(Clock::time_point now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckLabels() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ViolateLocked(const char* invariant, std::string what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CheckerOptions options_;
  mutable std::mutex mu_;
  Layout layout_ ABSL_GUARDED_BY(mu_);
  Layout previous_ ABSL_GUARDED_BY(mu_);
  // Until then the previous layout's MIG devices may still be served.
  Clock::time_point previous_until_ ABSL_GUARDED_BY(mu_){};
  std::map<std::string, v1beta1::ListAndWatchResponse> lists_ ABSL_GUARDED_BY(mu_);
  std::map<int, GpuFault> faults_ ABSL_GUARDED_BY(mu_);
  std::set<int> spurious_reported_ ABSL_GUARDED_BY(mu_);
  std::optional<int> labels_replicas_ ABSL_GUARDED_BY(mu_);
  bool labels_seen_ = false;
  bool labels_reported_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, int64_t> violations_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> examples_ ABSL_GUARDED_BY(mu_);
};

// The GPU UUID of a device ID ("GPU-…::2" -> "GPU-…").
std::string BaseId(const std::string& id);

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_INVARIANT_CHECKER_H_
