#include "gang/queue_spec.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/json_fields.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::gang {
namespace {

constexpr int64_t kMaxWeight = 1000000;

absl::Status Bad(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(where, " ", why));
}

absl::StatusOr<bool> StateIsOpen(absl::string_view where, absl::string_view state) {
  if (state.empty() || state == "Open") return true;
  if (state == "Closed" || state == "Closing") return false;
  return Bad(where, absl::StrCat("\"", state, "\" must be Open or Closed"));
}

// A YAML resource list as the JSON the API server would hold.
absl::StatusOr<nlohmann::json> ResourceListOf(absl::string_view where,
                                              const YAML::Node& node) {
  if (!node.IsMap()) return Bad(where, "must be a map of resource: quantity");
  nlohmann::json list = nlohmann::json::object();
  for (const auto& entry : node) {
    if (!entry.second.IsScalar()) {
      return Bad(where, absl::StrCat(entry.first.Scalar(), " must be a quantity"));
    }
    list[entry.first.Scalar()] = entry.second.Scalar();
  }
  return list;
}

absl::StatusOr<ResourceLimits> LimitsOf(absl::string_view where,
                                        const YAML::Node& node) {
  absl::StatusOr<nlohmann::json> list = ResourceListOf(where, node);
  if (!list.ok()) return list.status();
  absl::StatusOr<ResourceLimits> limits = ParseResourceList(*list);
  if (!limits.ok()) return Bad(where, limits.status().message());
  return limits;
}

absl::StatusOr<QueueSpec> QueueOf(size_t index, const YAML::Node& node) {
  std::string where = absl::StrCat("queues[", index, "]");
  if (!node.IsMap()) return Bad(where, "must be a map");
  QueueSpec queue;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    const std::string field = absl::StrCat(where, ".", key);
    if (key == "name") {
      if (!value.IsScalar() || value.Scalar().empty()) return Bad(field, "must be a name");
      queue.name = value.Scalar();
      where = absl::StrCat("queue ", queue.name);
    } else if (key == "weight") {
      if (!value.IsScalar() || !absl::SimpleAtoi(value.Scalar(), &queue.weight) ||
          queue.weight < 1 || queue.weight > kMaxWeight) {
        return Bad(field, absl::StrCat("must be a whole number from 1 to ", kMaxWeight));
      }
    } else if (key == "capability" || key == "guarantee") {
      absl::StatusOr<ResourceLimits> limits = LimitsOf(field, value);
      if (!limits.ok()) return limits.status();
      (key == "capability" ? queue.capability : queue.guarantee) = *limits;
    } else if (key == "reclaimable") {
      if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false")) {
        return Bad(field, "must be true or false");
      }
      queue.reclaimable = value.Scalar() == "true";
    } else if (key == "state") {
      if (!value.IsScalar()) return Bad(field, "must be Open or Closed");
      absl::StatusOr<bool> open = StateIsOpen(field, value.Scalar());
      if (!open.ok()) return open.status();
      queue.open = *open;
    } else {
      return Bad(field, "is not a queue field (name, weight, capability, "
                        "guarantee, reclaimable, state)");
    }
  }
  if (queue.name.empty()) return Bad(where, "has no name");
  return queue;
}

}  // namespace

absl::StatusOr<QueueSpec> ParseVolcanoQueue(const nlohmann::json& object) {
  QueueSpec queue;
  queue.name = StringAt(object, {"metadata", "name"});
  if (queue.name.empty()) return Bad("Queue metadata.name", "is missing");
  const std::string where = absl::StrCat("Queue ", queue.name);
  if (const nlohmann::json* weight = JsonAt(object, {"spec", "weight"});
      weight != nullptr && !weight->is_null()) {
    if (!weight->is_number_integer() || weight->get<int64_t>() < 1 ||
        weight->get<int64_t>() > kMaxWeight) {
      return Bad(where, absl::StrCat("spec.weight must be a whole number from 1 to ",
                                     kMaxWeight));
    }
    queue.weight = weight->get<int64_t>();
  }
  if (const nlohmann::json* capability = JsonAt(object, {"spec", "capability"});
      capability != nullptr) {
    absl::StatusOr<ResourceLimits> limits = ParseResourceList(*capability);
    if (!limits.ok()) return Bad(where, absl::StrCat("spec.capability: ", limits.status().message()));
    queue.capability = *limits;
  }
  if (const nlohmann::json* guarantee = JsonAt(object, {"spec", "guarantee", "resource"});
      guarantee != nullptr) {
    absl::StatusOr<ResourceLimits> limits = ParseResourceList(*guarantee);
    if (!limits.ok()) {
      return Bad(where, absl::StrCat("spec.guarantee.resource: ", limits.status().message()));
    }
    queue.guarantee = *limits;
  }
  if (const nlohmann::json* reclaimable = JsonAt(object, {"spec", "reclaimable"});
      reclaimable != nullptr && !reclaimable->is_null()) {
    if (!reclaimable->is_boolean()) return Bad(where, "spec.reclaimable must be true or false");
    queue.reclaimable = reclaimable->get<bool>();
  }
  std::string state = StringAt(object, {"status", "state"});
  if (state.empty()) state = StringAt(object, {"spec", "state"});
  if (state != "Unknown") {
    absl::StatusOr<bool> open = StateIsOpen(absl::StrCat(where, " state"), state);
    if (!open.ok()) return open.status();
    queue.open = *open;
  }
  return queue;
}

absl::StatusOr<std::vector<QueueSpec>> ParseQueueFile(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("queues file: ", e.what()));
  }
  if (!root.IsMap()) return Bad("queues file", "must be a map with a queues list");
  std::vector<QueueSpec> queues;
  std::set<std::string> names;
  try {
    for (const auto& entry : root) {
      if (entry.first.Scalar() != "queues") {
        return Bad(absl::StrCat("queues file key ", entry.first.Scalar()),
                   "is not known (only queues)");
      }
    }
    const YAML::Node list = root["queues"];
    if (!list || list.IsNull()) return queues;
    if (!list.IsSequence()) return Bad("queues", "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      absl::StatusOr<QueueSpec> queue = QueueOf(i, list[i]);
      if (!queue.ok()) return queue.status();
      if (!names.insert(queue->name).second) {
        return Bad(absl::StrCat("queue ", queue->name), "is defined twice");
      }
      queues.push_back(*std::move(queue));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("queues file: ", e.what()));
  }
  return queues;
}

}  // namespace gpulet::gang
