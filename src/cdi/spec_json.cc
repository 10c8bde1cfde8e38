#include "cdi/spec_json.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::cdi {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// ---- encoding ----

template <typename T>
void PutIfNotEmpty(OrderedJson& out, const char* key, const T& value) {
  if (!value.empty()) out[key] = value;
}

template <typename T>
void PutIfSet(OrderedJson& out, const char* key, const std::optional<T>& value) {
  if (value.has_value()) out[key] = *value;
}

OrderedJson EncodeNode(const DeviceNode& node) {
  OrderedJson out = OrderedJson::object();
  out["path"] = node.path;
  PutIfNotEmpty(out, "hostPath", node.host_path);
  PutIfNotEmpty(out, "type", node.type);
  PutIfSet(out, "major", node.major);
  PutIfSet(out, "minor", node.minor);
  PutIfSet(out, "fileMode", node.file_mode);
  PutIfNotEmpty(out, "permissions", node.permissions);
  PutIfSet(out, "uid", node.uid);
  PutIfSet(out, "gid", node.gid);
  return out;
}

OrderedJson EncodeHook(const Hook& hook) {
  OrderedJson out = OrderedJson::object();
  out["hookName"] = hook.hook_name;
  out["path"] = hook.path;
  PutIfNotEmpty(out, "args", hook.args);
  PutIfNotEmpty(out, "env", hook.env);
  PutIfSet(out, "timeout", hook.timeout);
  return out;
}

OrderedJson EncodeMount(const Mount& mount) {
  OrderedJson out = OrderedJson::object();
  out["hostPath"] = mount.host_path;
  out["containerPath"] = mount.container_path;
  PutIfNotEmpty(out, "type", mount.type);
  PutIfNotEmpty(out, "options", mount.options);
  return out;
}

OrderedJson EncodeRdt(const IntelRdt& rdt) {
  OrderedJson out = OrderedJson::object();
  PutIfNotEmpty(out, "closID", rdt.clos_id);
  PutIfNotEmpty(out, "l3CacheSchema", rdt.l3_cache_schema);
  PutIfNotEmpty(out, "memBwSchema", rdt.mem_bw_schema);
  PutIfNotEmpty(out, "schemata", rdt.schemata);
  if (rdt.enable_monitoring) out["enableMonitoring"] = true;
  return out;
}

template <typename T, typename F>
void PutList(OrderedJson& out, const char* key, const std::vector<T>& items,
             F encode) {
  if (items.empty()) return;
  OrderedJson list = OrderedJson::array();
  for (const T& item : items) list.push_back(encode(item));
  out[key] = std::move(list);
}

OrderedJson EncodeEdits(const ContainerEdits& edits) {
  OrderedJson out = OrderedJson::object();
  PutIfNotEmpty(out, "env", edits.env);
  PutList(out, "deviceNodes", edits.device_nodes, EncodeNode);
  PutList(out, "netDevices", edits.net_devices, [](const NetDevice& d) {
    return OrderedJson{{"hostInterfaceName", d.host_interface_name},
                       {"name", d.name}};
  });
  PutList(out, "hooks", edits.hooks, EncodeHook);
  PutList(out, "mounts", edits.mounts, EncodeMount);
  if (edits.intel_rdt.has_value()) out["intelRdt"] = EncodeRdt(*edits.intel_rdt);
  PutIfNotEmpty(out, "additionalGids", edits.additional_gids);
  return out;
}

// ---- decoding ----

// Reads one JSON object, remembering which keys were consumed so that the
// rest can be reported as unknown fields.
class ObjectReader {
 public:
  static absl::StatusOr<ObjectReader> Open(const Json& json, std::string path) {
    if (!json.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.empty() ? "spec" : path, ": expected an object"));
    }
    return ObjectReader(json, std::move(path));
  }

  std::string Field(std::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", std::string(key));
  }

  // nullptr when absent (or JSON null, as Go treats it).
  const Json* Get(const char* key) {
    seen_.insert(key);
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  absl::Status String(const char* key, std::string& out, bool required = false) {
    const Json* value = Get(key);
    if (value == nullptr) {
      if (!required) return absl::OkStatus();
      return absl::InvalidArgumentError(absl::StrCat(Field(key), ": required field is missing"));
    }
    if (!value->is_string()) return TypeError(key, "a string");
    out = value->get<std::string>();
    return absl::OkStatus();
  }

  template <typename T>
  absl::Status Integer(const char* key, std::optional<T>& out) {
    const Json* value = Get(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_number_integer()) return TypeError(key, "an integer");
    if (value->is_number_unsigned() ? value->get<uint64_t>() > std::numeric_limits<T>::max()
                                    : (value->get<int64_t>() < std::numeric_limits<T>::min() ||
                                       value->get<int64_t>() > int64_t{std::numeric_limits<T>::max()} )) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(key), ": ", value->dump(), " is out of range"));
    }
    out = value->get<T>();
    return absl::OkStatus();
  }

  absl::Status StringList(const char* key, std::vector<std::string>& out) {
    const Json* value = Get(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_array()) return TypeError(key, "a list of strings");
    for (const Json& item : *value) {
      if (!item.is_string()) return TypeError(key, "a list of strings");
      out.push_back(item.get<std::string>());
    }
    return absl::OkStatus();
  }

  absl::Status StringMap(const char* key, std::map<std::string, std::string>& out) {
    const Json* value = Get(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_object()) return TypeError(key, "a map of strings");
    for (const auto& [k, v] : value->items()) {
      if (!v.is_string()) return TypeError(key, "a map of strings");
      out[k] = v.get<std::string>();
    }
    return absl::OkStatus();
  }

  // Call last: InvalidArgument for the first key (sorted) never asked for.
  absl::Status Finish() const {
    for (const auto& [key, unused] : json_.items()) {
      if (!seen_.contains(key)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path_.empty() ? "spec" : path_, ": unknown field \"", key, "\""));
      }
    }
    return absl::OkStatus();
  }

  absl::Status TypeError(const char* key, const char* expected) const {
    return absl::InvalidArgumentError(absl::StrCat(Field(key), ": expected ", expected));
  }

 private:
  ObjectReader(const Json& json, std::string path) : json_(json), path_(std::move(path)) {}

  const Json& json_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

// Decodes the list at `key` with `decode(item, item_path, out_item)`.
template <typename T, typename F>
absl::Status List(ObjectReader& reader, const char* key, std::vector<T>& out, F decode) {
  const Json* value = reader.Get(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_array()) return reader.TypeError(key, "a list");
  for (size_t i = 0; i < value->size(); ++i) {
    T item;
    RETURN_IF_ERROR(decode((*value)[i], absl::StrCat(reader.Field(key), "[", i, "]"), item));
    out.push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::Status DecodeNode(const Json& json, std::string path, DeviceNode& node) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("path", node.path, /*required=*/true));
  RETURN_IF_ERROR(r.String("hostPath", node.host_path));
  RETURN_IF_ERROR(r.String("type", node.type));
  RETURN_IF_ERROR(r.Integer("major", node.major));
  RETURN_IF_ERROR(r.Integer("minor", node.minor));
  RETURN_IF_ERROR(r.Integer("fileMode", node.file_mode));
  RETURN_IF_ERROR(r.String("permissions", node.permissions));
  RETURN_IF_ERROR(r.Integer("uid", node.uid));
  RETURN_IF_ERROR(r.Integer("gid", node.gid));
  return r.Finish();
}

absl::Status DecodeHook(const Json& json, std::string path, Hook& hook) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("hookName", hook.hook_name, /*required=*/true));
  RETURN_IF_ERROR(r.String("path", hook.path, /*required=*/true));
  RETURN_IF_ERROR(r.StringList("args", hook.args));
  RETURN_IF_ERROR(r.StringList("env", hook.env));
  RETURN_IF_ERROR(r.Integer("timeout", hook.timeout));
  return r.Finish();
}

absl::Status DecodeMount(const Json& json, std::string path, Mount& mount) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("hostPath", mount.host_path, /*required=*/true));
  RETURN_IF_ERROR(r.String("containerPath", mount.container_path, /*required=*/true));
  RETURN_IF_ERROR(r.String("type", mount.type));
  RETURN_IF_ERROR(r.StringList("options", mount.options));
  return r.Finish();
}

absl::Status DecodeNetDevice(const Json& json, std::string path, NetDevice& device) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("hostInterfaceName", device.host_interface_name, true));
  RETURN_IF_ERROR(r.String("name", device.name, true));
  return r.Finish();
}

absl::Status DecodeRdt(const Json& json, std::string path, IntelRdt& rdt) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("closID", rdt.clos_id));
  RETURN_IF_ERROR(r.String("l3CacheSchema", rdt.l3_cache_schema));
  RETURN_IF_ERROR(r.String("memBwSchema", rdt.mem_bw_schema));
  RETURN_IF_ERROR(r.StringList("schemata", rdt.schemata));
  if (const Json* monitoring = r.Get("enableMonitoring")) {
    if (!monitoring->is_boolean()) return r.TypeError("enableMonitoring", "a boolean");
    rdt.enable_monitoring = monitoring->get<bool>();
  }
  return r.Finish();
}

absl::Status DecodeGids(ObjectReader& r, std::vector<uint32_t>& out) {
  const Json* value = r.Get("additionalGids");
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_array()) return r.TypeError("additionalGids", "a list of integers");
  for (const Json& gid : *value) {
    bool in_range = gid.is_number_unsigned()
                        ? gid.get<uint64_t>() <= UINT32_MAX
                        : gid.is_number_integer() && gid.get<int64_t>() >= 0 &&
                              gid.get<int64_t>() <= int64_t{UINT32_MAX};
    if (!in_range) {
      return r.TypeError("additionalGids", "a list of 32-bit unsigned integers");
    }
    out.push_back(gid.get<uint32_t>());
  }
  return absl::OkStatus();
}

absl::Status DecodeEdits(const Json& json, std::string path, ContainerEdits& edits) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.StringList("env", edits.env));
  RETURN_IF_ERROR(List(r, "deviceNodes", edits.device_nodes, DecodeNode));
  RETURN_IF_ERROR(List(r, "netDevices", edits.net_devices, DecodeNetDevice));
  RETURN_IF_ERROR(List(r, "hooks", edits.hooks, DecodeHook));
  RETURN_IF_ERROR(List(r, "mounts", edits.mounts, DecodeMount));
  if (const Json* rdt = r.Get("intelRdt")) {
    edits.intel_rdt.emplace();
    RETURN_IF_ERROR(DecodeRdt(*rdt, r.Field("intelRdt"), *edits.intel_rdt));
  }
  RETURN_IF_ERROR(DecodeGids(r, edits.additional_gids));
  return r.Finish();
}

absl::Status DecodeDevice(const Json& json, std::string path, Device& device) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, std::move(path)));
  RETURN_IF_ERROR(r.String("name", device.name, /*required=*/true));
  RETURN_IF_ERROR(r.StringMap("annotations", device.annotations));
  const Json* edits = r.Get("containerEdits");
  if (edits == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(r.Field("containerEdits"), ": required field is missing"));
  }
  RETURN_IF_ERROR(DecodeEdits(*edits, r.Field("containerEdits"), device.edits));
  return r.Finish();
}

}  // namespace

nlohmann::ordered_json SpecToJson(const Spec& spec) {
  OrderedJson out = OrderedJson::object();
  out["cdiVersion"] = spec.version;
  out["kind"] = spec.kind;
  if (!spec.annotations.empty()) out["annotations"] = spec.annotations;
  // Required by the schema even when empty: a spec without devices must
  // read back.
  OrderedJson devices = OrderedJson::array();
  for (const Device& device : spec.devices) {
    OrderedJson d = OrderedJson::object();
    d["name"] = device.name;
    if (!device.annotations.empty()) d["annotations"] = device.annotations;
    d["containerEdits"] = EncodeEdits(device.edits);
    devices.push_back(std::move(d));
  }
  out["devices"] = std::move(devices);
  OrderedJson edits = EncodeEdits(spec.edits);
  if (!edits.empty()) out["containerEdits"] = std::move(edits);
  return out;
}

absl::StatusOr<Spec> SpecFromJson(const nlohmann::json& json) {
  Spec spec;
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(json, ""));
  RETURN_IF_ERROR(r.String("cdiVersion", spec.version, /*required=*/true));
  RETURN_IF_ERROR(r.String("kind", spec.kind, /*required=*/true));
  RETURN_IF_ERROR(r.StringMap("annotations", spec.annotations));
  if (r.Get("devices") == nullptr) {
    return absl::InvalidArgumentError("devices: required field is missing");
  }
  RETURN_IF_ERROR(List(r, "devices", spec.devices, DecodeDevice));
  if (const Json* edits = r.Get("containerEdits")) {
    RETURN_IF_ERROR(DecodeEdits(*edits, "containerEdits", spec.edits));
  }
  RETURN_IF_ERROR(r.Finish());
  return spec;
}

}  // namespace gpulet::cdi
