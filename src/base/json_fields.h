// Reads of JSON from outside gpulet (API server objects, annotations, wire
// types) that never throw: a missing member, or one of another type than
// asked, reads as absent. Parsers that must name the bad field use their own
// typed reads (handoff/json_field.h, kube/watch_event.h).
//
// Stateless inline functions; thread-safe.
#ifndef GPULET_BASE_JSON_FIELDS_H_
#define GPULET_BASE_JSON_FIELDS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace gpulet {

// The value at `path` (member names from `value` down), or nullptr when a
// step is missing or not an object.
inline const nlohmann::json* JsonAt(const nlohmann::json& value,
                                    std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = &value;
  for (std::string_view key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

// The string at `path`, or nullopt when absent or not a string.
inline std::optional<std::string> OptionalStringAt(
    const nlohmann::json& value, std::initializer_list<std::string_view> path) {
  const nlohmann::json* at = JsonAt(value, path);
  if (at == nullptr || !at->is_string()) return std::nullopt;
  return at->get<std::string>();
}

// The string at `path`, or "" when absent or not a string.
inline std::string StringAt(const nlohmann::json& value,
                            std::initializer_list<std::string_view> path) {
  return OptionalStringAt(value, path).value_or("");
}

// The object's metadata.annotations[key], or nullopt.
inline std::optional<std::string> AnnotationOf(const nlohmann::json& object,
                                               std::string_view key) {
  const nlohmann::json* annotations = JsonAt(object, {"metadata", "annotations"});
  if (annotations == nullptr) return std::nullopt;
  return OptionalStringAt(*annotations, {key});
}

}  // namespace gpulet

#endif  // GPULET_BASE_JSON_FIELDS_H_
