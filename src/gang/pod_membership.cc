#include "gang/pod_membership.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/json_fields.h"

namespace gpulet::gang {
namespace {

constexpr std::string_view kVolcanoGroup = "scheduling.k8s.io/group-name";
constexpr std::string_view kPluginsGroup = "scheduling.x-k8s.io/pod-group";
constexpr std::string_view kGpuletGroup = "gpulet.io/group";
constexpr std::string_view kGpuletMinMember = "gpulet.io/group-min-member";
constexpr std::string_view kGpuletQueue = "gpulet.io/queue";
constexpr std::string_view kVolcanoQueue = "scheduling.volcano.sh/queue-name";

// A DNS subdomain (RFC 1123), which every PodGroup and Queue name is.
bool IsObjectName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = absl::ascii_islower(c) || absl::ascii_isdigit(c);
    bool edge = i == 0 || i + 1 == name.size();
    if (!alnum && (edge || (c != '-' && c != '.'))) return false;
  }
  return true;
}

absl::Status CheckName(std::string_view key, std::string_view name) {
  if (IsObjectName(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      AsAbsl(key), " \"", AsAbsl(name), "\" is not a valid object name"));
}

}  // namespace

absl::StatusOr<PodMembership> ReadPodMembership(const nlohmann::json& pod) {
  PodMembership membership;
  const std::string ns = StringAt(pod, {"metadata", "namespace"});
  struct Named {
    std::string_view key;
    GroupSource source;
    std::optional<std::string> name;
  };
  std::vector<Named> named = {
      {kVolcanoGroup, GroupSource::kVolcano, AnnotationOf(pod, kVolcanoGroup)},
      {kPluginsGroup, GroupSource::kSchedulerPlugins,
       OptionalStringAt(pod, {"metadata", "labels", kPluginsGroup})},
      {kGpuletGroup, GroupSource::kGpulet, AnnotationOf(pod, kGpuletGroup)},
  };
  const Named* chosen = nullptr;
  for (const Named& entry : named) {
    if (!entry.name || entry.name->empty()) continue;
    if (absl::Status valid = CheckName(entry.key, *entry.name); !valid.ok()) {
      return valid;
    }
    if (chosen != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pod names two groups: ", AsAbsl(chosen->key), "=", *chosen->name, " and ",
          AsAbsl(entry.key), "=", *entry.name));
    }
    chosen = &entry;
  }
  if (chosen != nullptr) {
    membership.group = GroupKey{chosen->source, ns, *chosen->name};
  }
  std::optional<std::string> min_member = AnnotationOf(pod, kGpuletMinMember);
  if (chosen != nullptr && chosen->source == GroupSource::kGpulet) {
    if (!min_member) {
      return absl::InvalidArgumentError(
          absl::StrCat(AsAbsl(kGpuletMinMember), " is required with ",
                       AsAbsl(kGpuletGroup)));
    }
    int value = 0;
    if (min_member->empty() || min_member->size() > 5 ||
        !std::all_of(min_member->begin(), min_member->end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(*min_member, &value) || value < 1 ||
        value > kMaxMinMember) {
      return absl::InvalidArgumentError(
          absl::StrCat(AsAbsl(kGpuletMinMember), " \"", *min_member,
                       "\" must be a whole number from 1 to ", kMaxMinMember));
    }
    membership.min_member = value;
  }
  std::optional<std::string> queue = AnnotationOf(pod, kGpuletQueue);
  std::string_view queue_key = kGpuletQueue;
  if (!queue || queue->empty()) {
    queue = AnnotationOf(pod, kVolcanoQueue);
    queue_key = kVolcanoQueue;
  }
  if (queue && !queue->empty()) {
    if (absl::Status valid = CheckName(queue_key, *queue); !valid.ok()) return valid;
    membership.queue = *queue;
  }
  if (const nlohmann::json* priority = JsonAt(pod, {"spec", "priority"});
      priority != nullptr && priority->is_number_integer()) {
    int64_t value = priority->get<int64_t>();
    if (value >= INT32_MIN && value <= INT32_MAX) {
      membership.priority = static_cast<int32_t>(value);
    }
  }
  return membership;
}

}  // namespace gpulet::gang
