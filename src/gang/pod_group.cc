#include "gang/pod_group.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/json_fields.h"

namespace gpulet::gang {
namespace {

absl::Status Bad(const std::string& field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("PodGroup ", field, " ", why));
}

}  // namespace

absl::StatusOr<PodGroupSpec> ParsePodGroup(GroupSource source,
                                           const nlohmann::json& object) {
  PodGroupSpec spec;
  spec.key.source = source;
  spec.key.name = StringAt(object, {"metadata", "name"});
  spec.key.namespace_name = StringAt(object, {"metadata", "namespace"});
  if (spec.key.name.empty()) return Bad("metadata.name", "is missing");
  if (spec.key.namespace_name.empty()) return Bad("metadata.namespace", "is missing");
  spec.uid = StringAt(object, {"metadata", "uid"});
  const nlohmann::json* body = JsonAt(object, {"spec"});
  if (body != nullptr && !body->is_null() && !body->is_object()) {
    return Bad("spec", "is not an object");
  }
  if (const nlohmann::json* min = JsonAt(object, {"spec", "minMember"});
      min != nullptr && !min->is_null()) {
    if (!min->is_number_integer() || min->get<int64_t>() < 0 ||
        min->get<int64_t>() > kMaxMinMember) {
      return Bad("spec.minMember",
                 absl::StrCat("must be a whole number from 0 to ", kMaxMinMember));
    }
    spec.min_member = std::max<int>(1, min->get<int>());
  }
  if (const nlohmann::json* resources = JsonAt(object, {"spec", "minResources"});
      resources != nullptr) {
    absl::StatusOr<ResourceLimits> limits = ParseResourceList(*resources);
    if (!limits.ok()) return Bad("spec.minResources", limits.status().message());
    spec.min_resources = *limits;
  }
  if (const nlohmann::json* queue = JsonAt(object, {"spec", "queue"});
      queue != nullptr && !queue->is_null()) {
    if (!queue->is_string()) return Bad("spec.queue", "is not a string");
    spec.queue = queue->get<std::string>();
  }
  if (source == GroupSource::kVolcano && spec.queue.empty()) spec.queue = "default";
  spec.priority_class_name = StringAt(object, {"spec", "priorityClassName"});
  if (const nlohmann::json* timeout =
          JsonAt(object, {"spec", "scheduleTimeoutSeconds"});
      timeout != nullptr && !timeout->is_null()) {
    if (!timeout->is_number_integer() || timeout->get<int64_t>() <= 0) {
      return Bad("spec.scheduleTimeoutSeconds", "must be a positive whole number");
    }
    spec.schedule_timeout_seconds = timeout->get<int64_t>();
  }
  return spec;
}

PodGroupSpec GpuletGroupSpec(const PodMembership& membership) {
  PodGroupSpec spec;
  spec.key = *membership.group;
  spec.min_member = std::max(1, membership.min_member);
  spec.queue = membership.queue;
  return spec;
}

}  // namespace gpulet::gang
