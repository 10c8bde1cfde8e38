#include "invariant_checker.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "labels_check.h"

namespace gpulet::soak {
namespace {

constexpr char kWholeGpuResource[] = "nvidia.com/gpu";
// How late a device may still turn Healthy or Unhealthy after the window
// before it counts: the health monitor polls, and this machine has 2 cores
// that the sanitizers slow down.
constexpr auto kHealthSlack = std::chrono::seconds(3);
// How early: the agent measures the window from when it saw the event,
// which is never before the soak caused it, so only clock reads differ.
constexpr auto kEarlySlack = std::chrono::milliseconds(250);
constexpr size_t kMaxExamples = 40;

}  // namespace

std::string BaseId(const std::string& id) {
  size_t separator = id.find("::");
  return separator == std::string::npos ? id : id.substr(0, separator);
}

InvariantChecker::InvariantChecker(CheckerOptions options, Layout initial)
    : options_(std::move(options)), layout_(initial), previous_(std::move(initial)) {}

void InvariantChecker::OnList(const std::string& resource,
                              const v1beta1::ListAndWatchResponse& list) {
  std::lock_guard lock(mu_);
  lists_[resource] = list;
  CheckIds(resource, list);
}

void InvariantChecker::OnStreamEnd(const std::string& resource) {
  std::lock_guard lock(mu_);
  lists_.erase(resource);
}

void InvariantChecker::SetLayout(Layout layout) {
  std::lock_guard lock(mu_);
  previous_ = std::move(layout_);
  layout_ = std::move(layout);
  // A rescan finds the new layout; until then the old one is what the
  // agent last knew, not something it made up.
  previous_until_ = Clock::now() + options_.rescan_interval + std::chrono::seconds(2);
}

void InvariantChecker::BeginGpuFault(int gpu) {
  std::lock_guard lock(mu_);
  GpuFault& fault = faults_[gpu];
  fault = GpuFault{};
  fault.active = true;
  fault.quiet_since = Clock::now();
}

void InvariantChecker::EndGpuFault(int gpu) {
  std::lock_guard lock(mu_);
  GpuFault& fault = faults_[gpu];
  fault.active = false;
  fault.quiet_since = Clock::now();
}

void InvariantChecker::Violate(const char* invariant, std::string what) {
  std::lock_guard lock(mu_);
  ViolateLocked(invariant, std::move(what));
}

void InvariantChecker::ViolateLocked(const char* invariant, std::string what) {
  ++violations_[invariant];
  if (examples_.size() >= kMaxExamples) return;
  // Wall-clock time, as the agent's log lines carry it.
  examples_.push_back(absl::StrCat(absl::FormatTime("%H:%M:%E3S", absl::Now(), absl::UTCTimeZone()),
                                   " ", invariant, ": ", what));
}

std::optional<int> InvariantChecker::GpuOf(const std::string& id, Clock::time_point now) const {
  if (auto it = layout_.gpu_of.find(id); it != layout_.gpu_of.end()) return it->second;
  if (now < previous_until_) {
    if (auto it = previous_.gpu_of.find(id); it != previous_.gpu_of.end()) return it->second;
  }
  return std::nullopt;
}

void InvariantChecker::CheckIds(const std::string& resource,
                                const v1beta1::ListAndWatchResponse& list) {
  Clock::time_point now = Clock::now();
  std::map<std::string, int> replicas;
  for (const v1beta1::Device& device : list.devices()) {
    std::string base = BaseId(device.id());
    if (!GpuOf(base, now).has_value()) {
      ViolateLocked(kPhantomDevice, absl::StrCat(resource, " advertises ", device.id()));
    }
    ++replicas[base];
  }
  if (resource != kWholeGpuResource) return;
  for (const auto& [base, count] : replicas) {
    if (!options_.good_replicas.contains(count)) {
      ViolateLocked(kBrokenConfigApplied,
                    absl::StrCat(resource, " serves ", count, " replicas of ", base));
      return;
    }
  }
}

void InvariantChecker::Poll() {
  std::lock_guard lock(mu_);
  CheckHealth(Clock::now());
  CheckLabels();
}

void InvariantChecker::CheckHealth(Clock::time_point now) {
  std::set<int> unhealthy;
  for (const auto& [resource, list] : lists_) {
    for (const v1beta1::Device& device : list.devices()) {
      std::optional<int> gpu = GpuOf(BaseId(device.id()), now);
      if (!gpu.has_value()) continue;
      GpuFault& fault = faults_[*gpu];
      bool in_window = fault.active || now < fault.quiet_since + options_.recovery_window;
      if (device.health() != "Healthy") {
        unhealthy.insert(*gpu);
        if (in_window) fault.seen_unhealthy.insert(device.id());
        bool faulted_lately = fault.active || now < fault.quiet_since +
                                                        options_.recovery_window + kHealthSlack;
        if (!faulted_lately && !spurious_reported_.contains(*gpu)) {
          spurious_reported_.insert(*gpu);
          ViolateLocked(kSpuriousUnhealthy, absl::StrCat(device.id(), " of GPU ", *gpu, " is ",
                                                         device.health(), " without a fault"));
        }
        continue;
      }
      bool early = fault.active || now + kEarlySlack < fault.quiet_since +
                                                           options_.recovery_window;
      if (early && !fault.reported && fault.seen_unhealthy.contains(device.id())) {
        fault.reported = true;
        ViolateLocked(kHealthyEarly, absl::StrCat(device.id(), " of GPU ", *gpu,
                                                  " is Healthy again inside the window"));
      }
    }
  }
  // A GPU reported once is reported again only after it was Healthy.
  std::erase_if(spurious_reported_, [&](int gpu) { return !unhealthy.contains(gpu); });
}

void InvariantChecker::CheckLabels() {
  absl::StatusOr<LabelsFile> file = CheckLabelsFile(options_.labels_path);
  if (file.ok() && !file->exists && labels_seen_) {
    file = absl::NotFoundError("the labels file is gone");
  }
  if (!file.ok()) {
    if (!labels_reported_) ViolateLocked(kLabelsBroken, std::string(file.status().message()));
    labels_reported_ = true;
    return;
  }
  labels_reported_ = false;
  if (!file->exists) return;
  labels_seen_ = true;
  if (file->replicas != labels_replicas_ && file->replicas.has_value() &&
      !options_.good_replicas.contains(*file->replicas)) {
    ViolateLocked(kBrokenConfigApplied,
                  absl::StrCat("labels say nvidia.com/gpu.replicas=", *file->replicas));
  }
  labels_replicas_ = file->replicas;
}

InvariantChecker::GpuHealth InvariantChecker::Health(int gpu) const {
  std::lock_guard lock(mu_);
  Clock::time_point now = Clock::now();
  GpuHealth health;
  for (const auto& [resource, list] : lists_) {
    for (const v1beta1::Device& device : list.devices()) {
      if (GpuOf(BaseId(device.id()), now) != gpu) continue;
      ++(device.health() == "Healthy" ? health.healthy : health.unhealthy);
    }
  }
  return health;
}

bool InvariantChecker::ConfigApplied(int replicas) const {
  std::lock_guard lock(mu_);
  if (labels_replicas_ != replicas) return false;
  auto it = lists_.find(kWholeGpuResource);
  if (it == lists_.end()) return false;
  std::map<std::string, int> counts;
  for (const v1beta1::Device& device : it->second.devices()) ++counts[BaseId(device.id())];
  for (const auto& [base, count] : counts) {
    if (count != replicas) return false;
  }
  return !counts.empty();
}

bool InvariantChecker::LayoutApplied() const {
  std::lock_guard lock(mu_);
  // A GPU off the bus may be withdrawn with its MIG devices; the layout is
  // judged on the others.
  auto counts = [&](const std::string& uuid) {
    auto it = layout_.gpu_of.find(uuid);
    if (it == layout_.gpu_of.end()) return true;
    auto fault = faults_.find(it->second);
    return fault == faults_.end() || !fault->second.active;
  };
  std::set<std::string> served;
  for (const auto& [resource, list] : lists_) {
    for (const v1beta1::Device& device : list.devices()) {
      std::string base = BaseId(device.id());
      if (absl::StartsWith(base, "MIG-") && counts(base)) served.insert(base);
    }
  }
  std::set<std::string> want;
  for (const std::string& uuid : layout_.mig_uuids) {
    if (counts(uuid)) want.insert(uuid);
  }
  return served == want;
}

std::set<std::string> InvariantChecker::Resources() const {
  std::lock_guard lock(mu_);
  std::set<std::string> names;
  for (const auto& [resource, list] : lists_) names.insert(resource);
  return names;
}

std::string InvariantChecker::Describe() const {
  std::lock_guard lock(mu_);
  std::string out = absl::StrCat("labels replicas: ", labels_replicas_.value_or(-1), "\n");
  for (const auto& [resource, list] : lists_) {
    absl::StrAppend(&out, resource, ":");
    for (const v1beta1::Device& device : list.devices()) {
      absl::StrAppend(&out, " ", device.id(), device.health() == "Healthy" ? "" : "(!)");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::map<std::string, int64_t> InvariantChecker::Violations() const {
  std::lock_guard lock(mu_);
  return violations_;
}

std::vector<std::string> InvariantChecker::Examples() const {
  std::lock_guard lock(mu_);
  return examples_;
}

}  // namespace gpulet::soak
