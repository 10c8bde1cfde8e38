#include "gang/group_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_string_view.h"
#include "base/json_fields.h"

namespace gpulet::gang {
namespace {

constexpr std::string_view kComponent = "gpulet-scheduler-extender";
constexpr int64_t kMilli = 1000;

std::string Rfc3339(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string_view VolcanoPhase(GroupState state) {
  switch (state) {
    case GroupState::kWaiting:
      return "Pending";
    case GroupState::kScheduling:
      return "Inqueue";
    case GroupState::kRunning:
      return "Running";
    case GroupState::kFinished:
      return "Completed";
    case GroupState::kFailed:
      return "Unknown";
  }
  return "Unknown";
}

std::string_view PluginsPhase(GroupState state) {
  switch (state) {
    case GroupState::kWaiting:
      return "Pending";
    case GroupState::kScheduling:
      return "Scheduling";
    case GroupState::kRunning:
      return "Running";
    case GroupState::kFinished:
      return "Finished";
    case GroupState::kFailed:
      return "Failed";
  }
  return "Pending";
}

// The condition gpulet sets for `observation`: Unschedulable while it
// waits with a reason, Scheduled once it runs; none otherwise.
std::optional<nlohmann::json> ConditionFor(const GroupObservation& observation) {
  if (observation.state == GroupState::kWaiting && !observation.reason.empty()) {
    return nlohmann::json{{"type", "Unschedulable"},
                          {"status", "True"},
                          {"reason", observation.reason},
                          {"message", observation.message}};
  }
  if (observation.state == GroupState::kRunning ||
      observation.state == GroupState::kFinished) {
    return nlohmann::json{{"type", "Scheduled"},
                          {"status", "True"},
                          {"reason", "tasks in gang are ready to be scheduled"},
                          {"message", ""}};
  }
  return std::nullopt;
}

bool SameCondition(const nlohmann::json& a, const nlohmann::json& b) {
  for (const char* field : {"type", "status", "reason", "message"}) {
    if (StringAt(a, {field}) != StringAt(b, {field})) return false;
  }
  return true;
}

// Fractional GPUs are written in milli-GPU; whole ones as nvidia.com/gpu.
void PutGpus(nlohmann::json& list, int64_t gpu_milli) {
  const bool whole = gpu_milli % kMilli == 0;
  list["nvidia.com/gpu"] =
      whole ? nlohmann::json(absl::StrCat(gpu_milli / kMilli)) : nlohmann::json();
  list["gpulet.io/gpu-milli"] =
      whole ? nlohmann::json() : nlohmann::json(absl::StrCat(gpu_milli));
}

// The API group and version a source's PodGroups are served under.
const char* ApiOf(GroupSource source) {
  switch (source) {
    case GroupSource::kVolcano:
      return "/apis/scheduling.volcano.sh/v1beta1";
    case GroupSource::kSchedulerPlugins:
      return "/apis/scheduling.x-k8s.io/v1alpha1";
    case GroupSource::kGpulet:
      return "";
  }
  return "";
}

}  // namespace

std::optional<nlohmann::json> VolcanoStatusUpdate(const nlohmann::json& object,
                                                  const GroupObservation& observation) {
  if (!object.is_object()) return std::nullopt;
  const nlohmann::json* old_status = JsonAt(object, {"status"});
  nlohmann::json status = old_status != nullptr && old_status->is_object()
                              ? *old_status
                              : nlohmann::json::object();
  status["phase"] = VolcanoPhase(observation.state);
  status["running"] = observation.running;
  status["succeeded"] = observation.succeeded;
  status["failed"] = observation.failed;
  nlohmann::json conditions = nlohmann::json::array();
  std::optional<nlohmann::json> wanted = ConditionFor(observation);
  if (const nlohmann::json* old = JsonAt(status, {"conditions"});
      old != nullptr && old->is_array()) {
    for (const nlohmann::json& condition : *old) {
      std::string type = StringAt(condition, {"type"});
      if (type == "Unschedulable" || type == "Scheduled") {
        if (wanted && SameCondition(condition, *wanted)) {
          conditions.push_back(condition);
          wanted.reset();
        }
        continue;
      }
      conditions.push_back(condition);
    }
  }
  if (wanted) {
    (*wanted)["lastTransitionTime"] = Rfc3339(observation.now_unix);
    (*wanted)["transitionID"] = absl::StrCat(StringAt(object, {"metadata", "uid"}), "-",
                                             observation.now_unix);
    conditions.push_back(*wanted);
  }
  if (conditions.empty()) {
    status.erase("conditions");
  } else {
    status["conditions"] = conditions;
  }
  if (old_status != nullptr && *old_status == status) return std::nullopt;
  nlohmann::json updated = object;
  updated["status"] = std::move(status);
  return updated;
}

std::optional<nlohmann::json> SchedulerPluginsStatusPatch(
    const nlohmann::json& object, const GroupObservation& observation) {
  if (!object.is_object()) return std::nullopt;
  nlohmann::json wanted = {{"phase", PluginsPhase(observation.state)},
                           {"running", observation.running},
                           {"succeeded", observation.succeeded},
                           {"failed", observation.failed}};
  if (observation.state != GroupState::kWaiting &&
      StringAt(object, {"status", "scheduleStartTime"}).empty()) {
    wanted["scheduleStartTime"] = Rfc3339(observation.now_unix);
  }
  nlohmann::json changed = nlohmann::json::object();
  for (const auto& [field, value] : wanted.items()) {
    const nlohmann::json* old = JsonAt(object, {"status", field});
    if (old == nullptr || *old != value) changed[field] = value;
  }
  if (changed.empty()) return std::nullopt;
  return nlohmann::json{{"status", changed}};
}

nlohmann::json QueueAllocatedPatch(const ResourceAmounts& allocated) {
  nlohmann::json list = nlohmann::json::object();
  list["cpu"] = allocated.cpu_milli % kMilli == 0
                    ? absl::StrCat(allocated.cpu_milli / kMilli)
                    : absl::StrCat(allocated.cpu_milli, "m");
  list["memory"] = absl::StrCat(allocated.memory_mib, "Mi");
  PutGpus(list, allocated.gpu_milli);
  return {{"status", {{"allocated", list}}}};
}

nlohmann::json GroupEvent(const PodGroupSpec& spec,
                          const nlohmann::json& involved_object,
                          std::string_view type, std::string_view reason,
                          std::string_view message, int64_t now_unix) {
  std::string name = StringAt(involved_object, {"metadata", "name"});
  if (name.empty()) name = spec.key.name;
  std::string ns = StringAt(involved_object, {"metadata", "namespace"});
  if (ns.empty()) ns = spec.key.namespace_name;
  nlohmann::json involved = {{"apiVersion", StringAt(involved_object, {"apiVersion"})},
                             {"kind", StringAt(involved_object, {"kind"})},
                             {"name", name},
                             {"namespace", ns},
                             {"uid", StringAt(involved_object, {"metadata", "uid"})}};
  if (std::string version = StringAt(involved_object, {"metadata", "resourceVersion"});
      !version.empty()) {
    involved["resourceVersion"] = version;
  }
  // One event per change of reason: the name carries the time and a digest
  // of the reason so that two changes in one second do not collide.
  uint32_t digest = 2166136261u;
  for (char c : absl::StrCat(AsAbsl(reason), AsAbsl(message))) {
    digest = (digest ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  const std::string time = Rfc3339(now_unix);
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata",
           {{"name", absl::StrCat(name, ".", absl::Hex(now_unix), absl::Hex(digest))},
            {"namespace", ns}}},
          {"involvedObject", involved},
          {"type", std::string(type)},
          {"reason", std::string(reason)},
          {"message", std::string(message)},
          {"source", {{"component", std::string(kComponent)}}},
          {"reportingComponent", std::string(kComponent)},
          {"count", 1},
          {"firstTimestamp", time},
          {"lastTimestamp", time}};
}

std::string PodGroupPath(const GroupKey& key) {
  const char* api = ApiOf(key.source);
  if (*api == '\0') return "";
  return absl::StrCat(api, "/namespaces/", key.namespace_name, "/podgroups/", key.name);
}

std::string PodGroupCollectionPath(GroupSource source) {
  const char* api = ApiOf(source);
  return *api == '\0' ? "" : absl::StrCat(api, "/podgroups");
}

std::string QueuePath(std::string_view name) {
  return absl::StrCat(AsAbsl(kQueueCollectionPath), "/", AsAbsl(name));
}

}  // namespace gpulet::gang
