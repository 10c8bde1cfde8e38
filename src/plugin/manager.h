// Manager: the one owner of the device plugin's lifecycle.
//
// Run() is an explicit state machine on the calling thread:
//
//   kStarting  build the resources, start one PluginServer per resource,
//              register each with the kubelet           → kServing | kIdle
//   kServing / kIdle
//              wait for the next event or timer and handle it:
//                kubelet.sock created      re-register every resource (no
//                                          rebuild, NVML untouched)
//                our socket deleted        restart that server, register it
//                SIGHUP                    reload the config; a bad one is
//                                          logged and the running one stays;
//                                          a good one is reconciled
//                rescan / retry timer      rebuild the inventory; only the
//                                          resources that differ re-advertise
//                                          (a new MIG layout); failed
//                                          registrations are retried with
//                                          backoff
//                health changed            republish affected device lists
//              kIdle is kServing with nothing to serve (no devices, or NVML
//              unavailable with --fail-on-init-error=false)
//   kStopping  SIGTERM/SIGINT: every server Shutdown(now + stop_grace), its
//              socket unlinked, then `on_stopped` (where the caller shuts
//              NVML down)                                → kStopped
//
// Every (re)build comes from a new immutable config and inventory through
// the ResourceSource. Device lists are published as immutable snapshots
// (ResourcePublisher), read by the gRPC threads.
//
// Thread-safety: Run() owns all state; events() may be posted to and
// ServedResources() called from any thread.
#ifndef GPULET_PLUGIN_MANAGER_H_
#define GPULET_PLUGIN_MANAGER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "base/signals.h"
#include "plugin/manager_events.h"
#include "plugin/plugin_metrics.h"
#include "plugin/plugin_server.h"
#include "plugin/registrar.h"
#include "plugin/resource_source.h"
#include "plugin/socket_dir_watcher.h"

namespace gpulet::plugin {

struct ManagerOptions {
  // Where the plugin sockets go: the directory of kubelet.sock.
  std::string socket_dir = "/var/lib/kubelet/device-plugins";
  std::string kubelet_socket_name = "kubelet.sock";
  // Grace period for RPCs in flight at stop.
  std::chrono::milliseconds stop_grace{5000};
  // How often the inventory is rebuilt to find MIG layout changes; zero
  // turns the timer off (kRescan events still work).
  std::chrono::milliseconds rescan_interval{30000};
  // Backoff after a failed build or registration.
  std::chrono::milliseconds retry_min{1000};
  std::chrono::milliseconds retry_max{30000};
  // Called in kStopping after every socket is gone; shuts NVML down.
  std::function<void()> on_stopped;
};

// The live health of GPU and MIG devices by UUID, as of one health
// snapshot. The Manager asks for a fresh view on every health change
// (kHealthChanged events, posted by whoever owns the health feed).
using HealthView = std::function<bool(std::string_view uuid)>;
using HealthViewSource = std::function<HealthView()>;

// What /metrics shows about one served resource.
struct ServedResource {
  std::string name;
  std::shared_ptr<const ResourceSnapshot> snapshot;
  bool registered = false;
};

class Manager {
 public:
  enum class State { kStarting, kServing, kIdle, kStopping, kStopped };

  // `source` must outlive the Manager. `registrar` null: serve without
  // registering (empty --kubelet-socket). `health` null: only the health
  // known at build time. Unavailable when the event queue cannot be made.
  static absl::StatusOr<std::unique_ptr<Manager>> Create(
      ManagerOptions options, ResourceSource* source,
      std::unique_ptr<Registrar> registrar, HealthViewSource health,
      std::shared_ptr<PluginMetrics> metrics);
  ~Manager();

  // Runs until a kStop event, or a signal from `signals` (may be null)
  // other than SIGHUP, which reloads. Returns OK after a clean stop.
  absl::Status Run(SignalWatcher* signals);

  // For other threads: signal handlers of tests, the health feed.
  ManagerEvents& events() { return *events_; }

  std::vector<ServedResource> ServedResources() const ABSL_LOCKS_EXCLUDED(served_mu_);
  State state() const ABSL_LOCKS_EXCLUDED(served_mu_);

 private:
  struct Entry {
    ResourceSpec spec;
    uint64_t config_generation = 0;
    std::shared_ptr<ResourcePublisher> publisher;
    std::unique_ptr<PluginServer> server;
    bool registered = false;
    std::string start_error;  // the last failure to serve, said once
  };
  using Clock = std::chrono::steady_clock;

  Manager(ManagerOptions options, ResourceSource* source,
          std::unique_ptr<Registrar> registrar, HealthViewSource health,
          std::shared_ptr<PluginMetrics> metrics, std::unique_ptr<ManagerEvents> events);

  State Step(State state, SignalWatcher* signals);
  State WaitAndHandle(SignalWatcher* signals);
  void WaitForInput(SignalWatcher* signals);
  void DrainSignals(SignalWatcher* signals);
  void RunTimers();
  // Watches the socket directory for kubelet restarts, if it can now.
  void WatchSocketDir();
  void Handle(const ManagerEvent& event);
  void Reconcile();
  void ApplySpec(ResourceSpec spec, uint64_t generation);
  bool StartServer(Entry& entry);
  // Makes `entry` serve on a socket that exists: a server whose socket is
  // gone, or that is not serving, is started again. False when it cannot.
  bool ServesItsSocket(Entry& entry);
  void RegisterPending();
  void OnSocketDeleted(const std::string& socket_name);
  void ApplyHealth();
  void StopAll();
  void ScheduleRetry();
  std::vector<AdvertisedDevice> LiveDevices(const ResourceSpec& spec) const;
  void UpdateServed() ABSL_LOCKS_EXCLUDED(served_mu_);
  std::string SocketPath(const std::string& resource) const;

  const ManagerOptions options_;
  ResourceSource* const source_;
  const std::unique_ptr<Registrar> registrar_;
  const HealthViewSource health_;
  const std::shared_ptr<PluginMetrics> metrics_;
  const std::unique_ptr<ManagerEvents> events_;

  // Owned by the Run() thread.
  std::unique_ptr<SocketDirWatcher> watcher_;
  bool watch_failed_ = false;
  std::map<std::string, Entry> entries_;  // by resource name
  // The resource whose registration the kubelet last left unanswered.
  std::string unanswered_;
  std::optional<Clock::time_point> retry_at_;
  bool rebuild_pending_ = false;  // the last Build() failed
  std::chrono::milliseconds retry_delay_;
  Clock::time_point rescan_at_;

  mutable std::mutex served_mu_;
  std::vector<ServedResource> served_ ABSL_GUARDED_BY(served_mu_);
  State state_ ABSL_GUARDED_BY(served_mu_) = State::kStarting;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_MANAGER_H_
