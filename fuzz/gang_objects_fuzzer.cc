// Fuzz target: the gang and queue objects the extender reads — a pod's
// group and queue keys, Volcano and scheduler-plugins PodGroups, Volcano
// Queues, the --queues file and resource lists — and the status it writes
// back from a PodGroup it read.
//
// Input: the text, then a last byte choosing the parser. Whatever parses
// must hold the documented bounds (minMember 1..10000, weight >= 1); the
// rest is left to the sanitizers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gang/group_registry.h"
#include "gang/group_status.h"
#include "gang/pod_group.h"
#include "gang/pod_membership.h"
#include "gang/queue_spec.h"
#include "gang/resource_amounts.h"
#include "spdlog/spdlog.h"

namespace gpulet::gang {
namespace {

void Check(bool holds) {
  if (!holds) std::abort();
}

void FuzzGroup(GroupSource source, const nlohmann::json& object) {
  absl::StatusOr<PodGroupSpec> spec = ParsePodGroup(source, object);
  if (spec.ok()) Check(spec->min_member >= 1 && spec->min_member <= kMaxMinMember);
  GroupRegistry registry;
  registry.OnPodGroupEvent(source, "ADDED", object);
  for (GroupState state : {GroupState::kWaiting, GroupState::kScheduling,
                           GroupState::kRunning, GroupState::kFailed}) {
    GroupObservation observation;
    observation.state = state;
    observation.reason = "NotEnoughPods";
    observation.running = 1;
    std::optional<nlohmann::json> update = VolcanoStatusUpdate(object, observation);
    // What was written reads back as written: no second update.
    if (update) Check(!VolcanoStatusUpdate(*update, observation));
    (void)SchedulerPluginsStatusPatch(object, observation);
  }
}

void FuzzOne(const std::string& text, uint8_t selector) {
  if (selector == 4) {
    absl::StatusOr<std::vector<QueueSpec>> queues = ParseQueueFile(text);
    if (queues.ok()) {
      for (const QueueSpec& queue : *queues) Check(queue.weight >= 1 && !queue.name.empty());
    }
    return;
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return;
  switch (selector) {
    case 0: {
      absl::StatusOr<PodMembership> membership = ReadPodMembership(value);
      if (membership.ok() && membership->group &&
          membership->group->source == GroupSource::kGpulet) {
        Check(membership->min_member >= 1 && membership->min_member <= kMaxMinMember);
      }
      break;
    }
    case 1:
      FuzzGroup(GroupSource::kVolcano, value);
      break;
    case 2:
      FuzzGroup(GroupSource::kSchedulerPlugins, value);
      break;
    case 3: {
      absl::StatusOr<QueueSpec> queue = ParseVolcanoQueue(value);
      if (queue.ok()) Check(queue->weight >= 1);
      GroupRegistry registry;
      registry.OnQueueEvent("ADDED", value);
      break;
    }
    default: {
      absl::StatusOr<ResourceLimits> limits = ParseResourceList(value);
      if (limits.ok()) {
        ResourceAmounts used{limits->gpu_milli.value_or(0), limits->cpu_milli.value_or(0),
                             limits->memory_mib.value_or(0)};
        Check(Exceeds(*limits, used, {}).empty());
        (void)QueueAllocatedPatch(used);
      }
      break;
    }
  }
}

}  // namespace
}  // namespace gpulet::gang

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  const uint8_t selector = data[size - 1] % 6;
  gpulet::gang::FuzzOne(std::string(reinterpret_cast<const char*>(data), size - 1), selector);
  return 0;
}
