#include "extender/wire_types.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "extender/fast_args_reader.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;
using Ordered = nlohmann::ordered_json;

absl::Status FieldError(std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("field \"", std::string(field), "\": expected ",
                   std::string(want)));
}

absl::StatusOr<Json> ParseObject(std::string_view text,
                                 std::string_view what) {
  Json json = Json::parse(text.begin(), text.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON in ", std::string(what)));
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must be a JSON object"));
  }
  return json;
}

// The member `key`, or nullptr when missing or null.
const Json* Member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::StatusOr<std::string> StringField(const Json& object, const char* key) {
  const Json* value = Member(object, key);
  if (value == nullptr) return std::string();
  if (!value->is_string()) return FieldError(key, "a string");
  return value->get<std::string>();
}

// Moves the strings out of `object`: a filter request carries every node
// name of the cluster.
absl::StatusOr<std::optional<std::vector<std::string>>> StringList(
    Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) return FieldError(key, "a list of strings");
  std::vector<std::string> out;
  out.reserve(it->size());
  for (Json& item : *it) {
    if (!item.is_string()) return FieldError(key, "a list of strings");
    out.push_back(std::move(item.get_ref<std::string&>()));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> StringMap(
    const Json& object, const char* key) {
  const Json* value = Member(object, key);
  std::map<std::string, std::string> out;
  if (value == nullptr) return out;
  if (!value->is_object()) return FieldError(key, "a map of strings");
  for (const auto& [name, reason] : value->items()) {
    if (!reason.is_string()) return FieldError(key, "a map of strings");
    out.emplace(name, reason.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::optional<Json>> ObjectField(const Json& object,
                                                const char* key) {
  const Json* value = Member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) return FieldError(key, "an object");
  return *value;
}

absl::StatusOr<std::map<std::string, MetaVictims>> MetaVictimsMap(
    const Json& object, const char* key) {
  std::map<std::string, MetaVictims> out;
  const Json* value = Member(object, key);
  if (value == nullptr) return out;
  if (!value->is_object()) return FieldError(key, "a map of victims");
  for (const auto& [node, victims] : value->items()) {
    if (!victims.is_object()) return FieldError(key, "a map of victims");
    MetaVictims meta;
    if (const Json* pods = Member(victims, "Pods")) {
      if (!pods->is_array()) return FieldError("Pods", "a list");
      for (const Json& pod : *pods) {
        if (!pod.is_object()) return FieldError("Pods", "a list of objects");
        ASSIGN_OR_RETURN(std::string uid, StringField(pod, "UID"));
        meta.pod_uids.push_back(std::move(uid));
      }
    }
    if (const Json* n = Member(victims, "NumPDBViolations")) {
      if (!n->is_number_integer()) {
        return FieldError("NumPDBViolations", "an integer");
      }
      meta.num_pdb_violations = n->get<int64_t>();
    }
    out.emplace(node, std::move(meta));
  }
  return out;
}

Ordered NullableList(const std::optional<std::vector<std::string>>& list) {
  if (!list) return nullptr;
  return Ordered(*list);
}

Ordered NullableJson(const std::optional<Json>& json) {
  if (!json) return nullptr;
  return Ordered::parse(json->dump());
}

Ordered MetaVictimsJson(const std::map<std::string, MetaVictims>& map) {
  Ordered out = Ordered::object();
  for (const auto& [node, victims] : map) {
    Ordered pods = Ordered::array();
    for (const std::string& uid : victims.pod_uids) {
      pods.push_back(Ordered{{"UID", uid}});
    }
    out[node] = Ordered{{"Pods", std::move(pods)},
                        {"NumPDBViolations", victims.num_pdb_violations}};
  }
  return out;
}

}  // namespace

absl::StatusOr<ExtenderArgs> DecodeExtenderArgs(std::string_view text) {
  ExtenderArgs args;
  if (TryReadExtenderArgs(text, args)) return args;
  args = ExtenderArgs();
  ASSIGN_OR_RETURN(Json json, ParseObject(text, "ExtenderArgs"));
  ASSIGN_OR_RETURN(std::optional<Json> pod, ObjectField(json, "Pod"));
  if (pod) args.pod = std::move(*pod);
  ASSIGN_OR_RETURN(args.nodes, ObjectField(json, "Nodes"));
  ASSIGN_OR_RETURN(args.node_names, StringList(json, "NodeNames"));
  return args;
}

absl::StatusOr<ExtenderFilterResult> DecodeExtenderFilterResult(
    std::string_view text) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, "ExtenderFilterResult"));
  ExtenderFilterResult result;
  ASSIGN_OR_RETURN(result.nodes, ObjectField(json, "Nodes"));
  ASSIGN_OR_RETURN(result.node_names, StringList(json, "NodeNames"));
  ASSIGN_OR_RETURN(result.failed_nodes, StringMap(json, "FailedNodes"));
  ASSIGN_OR_RETURN(result.failed_and_unresolvable_nodes,
                   StringMap(json, "FailedAndUnresolvableNodes"));
  ASSIGN_OR_RETURN(result.error, StringField(json, "Error"));
  return result;
}

absl::StatusOr<std::vector<HostPriority>> DecodeHostPriorityList(
    std::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError("malformed JSON in HostPriorityList");
  }
  std::vector<HostPriority> list;
  if (json.is_null()) return list;
  if (!json.is_array()) return FieldError("HostPriorityList", "a list");
  for (const Json& item : json) {
    if (!item.is_object()) return FieldError("HostPriorityList", "objects");
    HostPriority priority;
    ASSIGN_OR_RETURN(priority.host, StringField(item, "Host"));
    if (const Json* score = Member(item, "Score")) {
      if (!score->is_number_integer()) return FieldError("Score", "an integer");
      priority.score = score->get<int64_t>();
    }
    list.push_back(std::move(priority));
  }
  return list;
}

absl::StatusOr<ExtenderBindingArgs> DecodeExtenderBindingArgs(
    std::string_view text) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, "ExtenderBindingArgs"));
  ExtenderBindingArgs args;
  ASSIGN_OR_RETURN(args.pod_name, StringField(json, "PodName"));
  ASSIGN_OR_RETURN(args.pod_namespace, StringField(json, "PodNamespace"));
  ASSIGN_OR_RETURN(args.pod_uid, StringField(json, "PodUID"));
  ASSIGN_OR_RETURN(args.node, StringField(json, "Node"));
  return args;
}

absl::StatusOr<ExtenderBindingResult> DecodeExtenderBindingResult(
    std::string_view text) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, "ExtenderBindingResult"));
  ExtenderBindingResult result;
  ASSIGN_OR_RETURN(result.error, StringField(json, "Error"));
  return result;
}

absl::StatusOr<ExtenderPreemptionArgs> DecodeExtenderPreemptionArgs(
    std::string_view text) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, "ExtenderPreemptionArgs"));
  ExtenderPreemptionArgs args;
  ASSIGN_OR_RETURN(std::optional<Json> pod, ObjectField(json, "Pod"));
  if (pod) args.pod = std::move(*pod);
  ASSIGN_OR_RETURN(args.node_name_to_meta_victims,
                   MetaVictimsMap(json, "NodeNameToMetaVictims"));
  return args;
}

std::string EncodeExtenderArgs(const ExtenderArgs& args) {
  Ordered out;
  out["Pod"] = args.pod.is_null() ? Ordered(nullptr)
                                  : Ordered::parse(args.pod.dump());
  out["Nodes"] = NullableJson(args.nodes);
  out["NodeNames"] = NullableList(args.node_names);
  return out.dump();
}

std::string EncodeExtenderFilterResult(const ExtenderFilterResult& result) {
  // Spliced by hand: ordered_json inserts by linear search, which is
  // quadratic in the thousand failed nodes of a large cluster's answer.
  std::string out = "{\"Nodes\":";
  out += result.nodes ? result.nodes->dump() : "null";
  out += ",\"NodeNames\":";
  out += result.node_names ? Json(*result.node_names).dump() : "null";
  out += ",\"FailedNodes\":";
  out += Json(result.failed_nodes).dump();
  out += ",\"FailedAndUnresolvableNodes\":";
  out += Json(result.failed_and_unresolvable_nodes).dump();
  out += ",\"Error\":";
  out += Json(result.error).dump();
  out += "}";
  return out;
}

std::string EncodeHostPriorityList(const std::vector<HostPriority>& list) {
  Ordered out = Ordered::array();
  for (const HostPriority& priority : list) {
    out.push_back(Ordered{{"Host", priority.host}, {"Score", priority.score}});
  }
  return out.dump();
}

std::string EncodeExtenderBindingArgs(const ExtenderBindingArgs& args) {
  Ordered out;
  out["PodName"] = args.pod_name;
  out["PodNamespace"] = args.pod_namespace;
  out["PodUID"] = args.pod_uid;
  out["Node"] = args.node;
  return out.dump();
}

std::string EncodeExtenderBindingResult(const ExtenderBindingResult& result) {
  Ordered out;
  out["Error"] = result.error;
  return out.dump();
}

std::string EncodeExtenderPreemptionResult(
    const ExtenderPreemptionResult& result) {
  Ordered out;
  out["NodeNameToMetaVictims"] =
      MetaVictimsJson(result.node_name_to_meta_victims);
  return out.dump();
}

}  // namespace gpulet::extender
