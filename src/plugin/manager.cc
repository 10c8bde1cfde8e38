#include "plugin/manager.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "base/absl_format.h"
#include "base/free_heap.h"
#include "base/program_pages.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

using Counter = PluginMetrics::Counter;
using Kind = ManagerEvent::Kind;

bool FileExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Manager>> Manager::Create(
    ManagerOptions options, ResourceSource* source, std::unique_ptr<Registrar> registrar,
    HealthViewSource health, std::shared_ptr<PluginMetrics> metrics) {
  absl::StatusOr<std::unique_ptr<ManagerEvents>> events = ManagerEvents::Create();
  if (!events.ok()) return events.status();
  return std::unique_ptr<Manager>(new Manager(std::move(options), source, std::move(registrar),
                                              std::move(health), std::move(metrics),
                                              *std::move(events)));
}

Manager::Manager(ManagerOptions options, ResourceSource* source,
                 std::unique_ptr<Registrar> registrar, HealthViewSource health,
                 std::shared_ptr<PluginMetrics> metrics, std::unique_ptr<ManagerEvents> events)
    : options_(std::move(options)),
      source_(source),
      registrar_(std::move(registrar)),
      health_(std::move(health)),
      metrics_(std::move(metrics)),
      events_(std::move(events)),
      retry_delay_(options_.retry_min) {}

Manager::~Manager() { StopAll(); }

void Manager::WatchSocketDir() {
  absl::StatusOr<std::unique_ptr<SocketDirWatcher>> watcher =
      SocketDirWatcher::Create(options_.socket_dir, options_.kubelet_socket_name);
  if (!watcher.ok()) {
    // Serving still works; kubelet restarts go unnoticed until a retry or
    // rescan finds the directory and watches it. Said once.
    if (!watch_failed_) spdlog::warn("Not watching for kubelet restarts yet: {}", watcher.status());
    watch_failed_ = true;
    return;
  }
  if (watch_failed_) {
    spdlog::info("Watching {} for kubelet restarts now", options_.socket_dir);
  }
  watch_failed_ = false;
  watcher_ = *std::move(watcher);
}

absl::Status Manager::Run(SignalWatcher* signals) {
  WatchSocketDir();
  State state = State::kStarting;
  while (state != State::kStopped) {
    state = Step(state, signals);
    std::unique_lock<std::mutex> lock(served_mu_);
    state_ = state;
  }
  watcher_.reset();
  return absl::OkStatus();
}

Manager::State Manager::Step(State state, SignalWatcher* signals) {
  switch (state) {
    case State::kStarting:
      rescan_at_ = Clock::now() + options_.rescan_interval;
      Reconcile();
      break;
    case State::kServing:
    case State::kIdle:
      if (WaitAndHandle(signals) == State::kStopping) return State::kStopping;
      break;
    case State::kStopping:
      StopAll();
      if (options_.on_stopped) options_.on_stopped();
      return State::kStopped;
    case State::kStopped:
      return State::kStopped;
  }
  return entries_.empty() ? State::kIdle : State::kServing;
}

Manager::State Manager::WaitAndHandle(SignalWatcher* signals) {
  WaitForInput(signals);
  if (watcher_ != nullptr) {
    for (ManagerEvent& event : watcher_->Drain()) events_->Post(std::move(event));
    if (watcher_->lost()) {
      spdlog::warn("{} was removed or renamed: watching it again once it exists",
                   options_.socket_dir);
      watcher_.reset();
      WatchSocketDir();
    }
  }
  if (signals != nullptr) DrainSignals(signals);
  while (std::optional<ManagerEvent> event = events_->Pop()) {
    if (event->kind == Kind::kStop) return State::kStopping;
    Handle(*event);
  }
  RunTimers();
  return State::kServing;
}

void Manager::WaitForInput(SignalWatcher* signals) {
  std::vector<pollfd> fds = {{events_->fd(), POLLIN, 0}};
  if (watcher_ != nullptr) fds.push_back({watcher_->fd(), POLLIN, 0});
  if (signals != nullptr) fds.push_back({signals->fd(), POLLIN, 0});
  std::optional<Clock::time_point> deadline = retry_at_;
  if (options_.rescan_interval.count() > 0 && (!deadline || rescan_at_ < *deadline)) {
    deadline = rescan_at_;
  }
  int timeout_ms = -1;
  if (deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
    timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
  }
  // EINTR and timeouts both just mean "look again".
  (void)poll(fds.data(), fds.size(), timeout_ms);
}

void Manager::DrainSignals(SignalWatcher* signals) {
  while (true) {
    absl::StatusOr<std::optional<int>> signal = signals->Wait(std::chrono::nanoseconds(0));
    if (!signal.ok()) {
      spdlog::error("{}", signal.status());
      return;
    }
    if (!signal->has_value()) return;
    spdlog::info("Received signal {} ({})", **signal, strsignal(**signal));
    events_->Post({**signal == SIGHUP ? Kind::kReload : Kind::kStop, ""});
  }
}

void Manager::RunTimers() {
  Clock::time_point now = Clock::now();
  bool rescan_due = options_.rescan_interval.count() > 0 && now >= rescan_at_;
  bool retry_due = retry_at_ && now >= *retry_at_;
  // The kubelet may make its directory after gpulet starts.
  if (watcher_ == nullptr && (rescan_due || retry_due)) WatchSocketDir();
  if (rescan_due) {
    rescan_at_ = now + options_.rescan_interval;
    retry_at_.reset();
    Reconcile();
    ReleaseFreeHeap();
  } else if (retry_due) {
    retry_at_.reset();
    // A failed registration is retried alone; only a failed build rebuilds.
    if (rebuild_pending_) {
      Reconcile();
    } else {
      RegisterPending();
    }
  }
}

void Manager::Handle(const ManagerEvent& event) {
  switch (event.kind) {
    case Kind::kKubeletRestarted:
      spdlog::info("kubelet socket created: registering again");
      for (auto& [name, entry] : entries_) entry.registered = false;
      RegisterPending();
      break;
    case Kind::kSocketDeleted:
      OnSocketDeleted(event.socket);
      break;
    case Kind::kReload:
      if (absl::Status s = source_->ReloadConfig(); !s.ok()) {
        spdlog::error("Config reload failed, keeping the running config: {}", s);
        break;
      }
      spdlog::info("Config reloaded");
      Reconcile();
      break;
    case Kind::kRescan:
      Reconcile();
      break;
    case Kind::kHealthChanged:
      ApplyHealth();
      break;
    case Kind::kStop:
      break;
  }
}

void Manager::Reconcile() {
  absl::StatusOr<NodeResources> built = source_->Build();
  if (!built.ok()) {
    spdlog::error("Building the resources failed: {}", built.status());
    rebuild_pending_ = true;
    ScheduleRetry();
    return;
  }
  rebuild_pending_ = false;
  std::vector<std::string> names;
  for (const ResourceSpec& spec : built->resources) names.push_back(spec.name);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (std::find(names.begin(), names.end(), it->first) != names.end()) {
      ++it;
      continue;
    }
    spdlog::info("Resource {} is gone: stopping its server", it->first);
    if (absl::Status s = it->second.server->Stop(options_.stop_grace); !s.ok()) {
      spdlog::warn("{}", s);
    }
    it = entries_.erase(it);
  }
  for (ResourceSpec& spec : built->resources) {
    ApplySpec(std::move(spec), built->config_generation);
  }
  if (entries_.empty()) spdlog::info("No devices found. Waiting indefinitely.");
  RegisterPending();
  UpdateServed();
}

void Manager::ApplySpec(ResourceSpec spec, uint64_t generation) {
  auto it = entries_.find(spec.name);
  if (it == entries_.end()) {
    ResourceSnapshot snapshot{0, LiveDevices(spec), spec.backend};
    Entry entry;
    entry.publisher = std::make_shared<ResourcePublisher>(
        std::make_shared<const ResourceSnapshot>(std::move(snapshot)));
    entry.spec = std::move(spec);
    entry.config_generation = generation;
    Entry& added = entries_.emplace(entry.spec.name, std::move(entry)).first->second;
    spdlog::info("Serving {} with {} devices", added.spec.name, added.spec.devices.size());
    StartServer(added);
    return;
  }
  Entry& entry = it->second;
  bool same = entry.spec.devices == spec.devices && entry.spec.health_keys == spec.health_keys &&
              entry.config_generation == generation;
  if (same) return;
  spdlog::info("Resource {} changed: advertising {} devices", spec.name, spec.devices.size());
  entry.spec = std::move(spec);
  entry.config_generation = generation;
  entry.publisher->Publish({0, LiveDevices(entry.spec), entry.spec.backend});
}

bool Manager::StartServer(Entry& entry) {
  entry.registered = false;
  entry.server = std::make_unique<PluginServer>(entry.spec.name, SocketPath(entry.spec.name),
                                                entry.publisher, metrics_);
  if (absl::Status s = entry.server->Start(); !s.ok()) {
    // Retries until the cause goes: said once, and again when it changes.
    std::string error(s.message());
    if (error != entry.start_error) {
      spdlog::error("Starting the server for {} failed, retrying: {}", entry.spec.name, error);
    } else {
      spdlog::debug("Starting the server for {} failed again: {}", entry.spec.name, error);
    }
    entry.start_error = std::move(error);
    ScheduleRetry();
    return false;
  }
  if (!entry.start_error.empty()) {
    spdlog::info("Serving {} on {} now", entry.spec.name, SocketPath(entry.spec.name));
    entry.start_error.clear();
  }
  return true;
}

void Manager::RegisterPending() {
  bool failed = false;
  // The pass starts after the resource the kubelet left unanswered last,
  // so that one resource it never answers cannot keep the others out.
  std::vector<std::map<std::string, Entry>::iterator> order;
  auto after = entries_.upper_bound(unanswered_);
  for (auto it = after; it != entries_.end(); ++it) order.push_back(it);
  for (auto it = entries_.begin(); it != after; ++it) order.push_back(it);
  unanswered_.clear();
  for (auto it : order) {
    const std::string& name = it->first;
    Entry& entry = it->second;
    if (entry.registered) continue;
    // A socket gone unseen (its directory made again, or events lost) is
    // served again: the kubelet cannot dial a path that is not there.
    if (!ServesItsSocket(entry)) {
      failed = true;
      continue;
    }
    if (registrar_ == nullptr) {
      entry.registered = true;
      continue;
    }
    absl::Status s = registrar_->Register(name, SocketNameForResource(name));
    if (!s.ok()) {
      spdlog::warn("{}", s);
      metrics_->Add(name, Counter::kRegistrationErrors);
      failed = true;
      // No kubelet, or one that did not answer in time: the others would
      // wait as long, each, on the thread that applies health changes.
      if (s.code() == absl::StatusCode::kUnavailable) {
        unanswered_ = name;
        break;
      }
      continue;
    }
    spdlog::info("Registered {} with the kubelet", name);
    metrics_->Add(name, Counter::kRegistrations);
    entry.registered = true;
  }
  if (failed) {
    ScheduleRetry();
  } else {
    retry_delay_ = options_.retry_min;
    // Registered: startup is over, its code can go.
    static std::once_flag released;
    std::call_once(released, ReleaseProgramPages);
  }
  UpdateServed();
}

void Manager::OnSocketDeleted(const std::string& socket_name) {
  for (auto& [name, entry] : entries_) {
    if (SocketNameForResource(name) != socket_name) continue;
    if (entry.server->serving() && FileExists(entry.server->socket_path())) return;
    spdlog::info("Socket {} was deleted: serving {} again", socket_name, name);
    if (ServesItsSocket(entry)) RegisterPending();
    return;
  }
}

bool Manager::ServesItsSocket(Entry& entry) {
  if (entry.server->serving() && FileExists(entry.server->socket_path())) return true;
  if (absl::Status s = entry.server->Stop(std::chrono::milliseconds(0)); !s.ok()) {
    spdlog::warn("{}", s);
  }
  return StartServer(entry);
}

void Manager::ApplyHealth() {
  for (auto& [name, entry] : entries_) {
    std::vector<AdvertisedDevice> live = LiveDevices(entry.spec);
    std::shared_ptr<const ResourceSnapshot> current = entry.publisher->Current();
    if (live == current->devices) continue;
    size_t before = current->HealthyCount();
    ResourceSnapshot next{0, std::move(live), entry.spec.backend};
    spdlog::info("Health of {} changed: {} of {} devices healthy (was {})", name,
                 next.HealthyCount(), next.devices.size(), before);
    metrics_->Add(name, Counter::kHealthEvents);
    entry.publisher->Publish(std::move(next));
  }
  UpdateServed();
}

std::vector<AdvertisedDevice> Manager::LiveDevices(const ResourceSpec& spec) const {
  std::vector<AdvertisedDevice> devices = spec.devices;
  if (health_ == nullptr) return devices;
  HealthView healthy = health_();
  for (size_t i = 0; i < devices.size() && i < spec.health_keys.size(); ++i) {
    if (!spec.health_keys[i].empty() && !healthy(spec.health_keys[i])) {
      devices[i].healthy = false;
    }
  }
  return devices;
}

void Manager::StopAll() {
  for (auto& [name, entry] : entries_) {
    if (entry.server == nullptr) continue;
    if (absl::Status s = entry.server->Stop(options_.stop_grace); !s.ok()) {
      spdlog::warn("{}", s);
    }
  }
  entries_.clear();
  UpdateServed();
}

void Manager::ScheduleRetry() {
  if (retry_at_) return;
  retry_at_ = Clock::now() + retry_delay_;
  spdlog::debug("Retrying in {} ms", retry_delay_.count());
  retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
}

void Manager::UpdateServed() {
  std::vector<ServedResource> served;
  for (const auto& [name, entry] : entries_) {
    served.push_back({name, entry.publisher->Current(), entry.registered});
  }
  std::unique_lock<std::mutex> lock(served_mu_);
  served_ = std::move(served);
}

std::vector<ServedResource> Manager::ServedResources() const {
  std::unique_lock<std::mutex> lock(served_mu_);
  return served_;
}

Manager::State Manager::state() const {
  std::unique_lock<std::mutex> lock(served_mu_);
  return state_;
}

std::string Manager::SocketPath(const std::string& resource) const {
  return options_.socket_dir + "/" + SocketNameForResource(resource);
}

}  // namespace gpulet::plugin
