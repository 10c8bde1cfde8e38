// The kube-scheduler extender wire types (k8s.io/kube-scheduler/extender/v1)
// and their JSON. The Go structs carry no json tags, so the wire names are
// the capitalised Go field names; Go writes `null` for nil slices, maps and
// pointers and omits nothing. Encoders here emit exactly that; decoders
// accept null and missing fields and ignore unknown ones.
//
// Pods and nodes stay nlohmann::json (v1.Pod / v1.NodeList in ordinary
// lower-camel JSON): the extender reads a handful of their fields and must
// hand the rest back untouched.
//
// Plain values; the free functions are thread-safe.
#ifndef GPULET_EXTENDER_WIRE_TYPES_H_
#define GPULET_EXTENDER_WIRE_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::extender {

// Nodes absent (nil) and NodeNames absent are distinct from empty lists.
struct ExtenderArgs {
  nlohmann::json pod;                              // "Pod", object or null
  std::optional<nlohmann::json> nodes;             // "Nodes": v1.NodeList
  std::optional<std::vector<std::string>> node_names;  // "NodeNames"
};

struct ExtenderFilterResult {
  std::optional<nlohmann::json> nodes;
  std::optional<std::vector<std::string>> node_names;
  std::map<std::string, std::string> failed_nodes;
  std::map<std::string, std::string> failed_and_unresolvable_nodes;
  std::string error;
};

struct HostPriority {
  std::string host;
  int64_t score = 0;
  friend bool operator==(const HostPriority&, const HostPriority&) = default;
};

struct ExtenderBindingArgs {
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  std::string node;
};

struct ExtenderBindingResult {
  std::string error;
};

// Victims named by UID only (the nodeCacheCapable form).
struct MetaVictims {
  std::vector<std::string> pod_uids;
  int64_t num_pdb_violations = 0;
};

struct ExtenderPreemptionArgs {
  nlohmann::json pod;
  std::map<std::string, MetaVictims> node_name_to_meta_victims;
};

struct ExtenderPreemptionResult {
  std::map<std::string, MetaVictims> node_name_to_meta_victims;
};

// Decoders: InvalidArgument naming the field for malformed JSON or a field
// of the wrong type. Matching is exact on the capitalised names.
absl::StatusOr<ExtenderArgs> DecodeExtenderArgs(std::string_view text);
absl::StatusOr<ExtenderFilterResult> DecodeExtenderFilterResult(
    std::string_view text);
absl::StatusOr<std::vector<HostPriority>> DecodeHostPriorityList(
    std::string_view text);
absl::StatusOr<ExtenderBindingArgs> DecodeExtenderBindingArgs(
    std::string_view text);
absl::StatusOr<ExtenderBindingResult> DecodeExtenderBindingResult(
    std::string_view text);
absl::StatusOr<ExtenderPreemptionArgs> DecodeExtenderPreemptionArgs(
    std::string_view text);

// Encoders: compact JSON with Go's field order.
std::string EncodeExtenderArgs(const ExtenderArgs& args);
std::string EncodeExtenderFilterResult(const ExtenderFilterResult& result);
std::string EncodeHostPriorityList(const std::vector<HostPriority>& list);
std::string EncodeExtenderBindingArgs(const ExtenderBindingArgs& args);
std::string EncodeExtenderBindingResult(const ExtenderBindingResult& result);
std::string EncodeExtenderPreemptionResult(
    const ExtenderPreemptionResult& result);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_WIRE_TYPES_H_
