#include "kube/testing/fake_store.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"

namespace gpulet::kube::testing {
namespace {

std::string Meta(const nlohmann::json& object, const char* field) {
  const nlohmann::json* metadata =
      object.contains("metadata") ? &object["metadata"] : nullptr;
  if (metadata == nullptr || !metadata->is_object()) return "";
  return metadata->value(field, "");
}

// The value of a supported field path, nullopt for an unsupported one.
std::optional<std::string> FieldValue(const nlohmann::json& object, const std::string& key) {
  if (key == "metadata.name") return Meta(object, "name");
  if (key == "metadata.namespace") return Meta(object, "namespace");
  if (key == "spec.nodeName") {
    const nlohmann::json spec = object.value("spec", nlohmann::json::object());
    return spec.is_object() ? spec.value("nodeName", "") : "";
  }
  return std::nullopt;
}

absl::Status ParseTerms(std::string_view text, bool fields,
                        std::vector<Selector::Term>* terms) {
  for (absl::string_view part : absl::StrSplit(AsAbsl(text), ',', absl::SkipEmpty())) {
    Selector::Term term;
    size_t pos;
    if ((pos = part.find("!=")) != absl::string_view::npos) {
      term = {std::string(part.substr(0, pos)), std::string(part.substr(pos + 2)),
              Selector::Term::Op::kNotEq};
    } else if ((pos = part.find("==")) != absl::string_view::npos) {
      term = {std::string(part.substr(0, pos)), std::string(part.substr(pos + 2)),
              Selector::Term::Op::kEq};
    } else if ((pos = part.find('=')) != absl::string_view::npos) {
      term = {std::string(part.substr(0, pos)), std::string(part.substr(pos + 1)),
              Selector::Term::Op::kEq};
    } else if (!fields) {
      term = {std::string(part), "", Selector::Term::Op::kExists};
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unsupported field selector \"", part, "\""));
    }
    if (fields && !FieldValue(nlohmann::json::object(), term.key).has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field label not supported: ", term.key));
    }
    terms->push_back(std::move(term));
  }
  return absl::OkStatus();
}

bool TermMatches(const Selector::Term& term, const std::optional<std::string>& value) {
  switch (term.op) {
    case Selector::Term::Op::kExists:
      return value.has_value();
    case Selector::Term::Op::kEq:
      return value.has_value() && *value == term.value;
    case Selector::Term::Op::kNotEq:
      return !value.has_value() || *value != term.value;
  }
  return false;
}

}  // namespace

absl::StatusOr<Selector> Selector::Parse(std::string_view ns, std::string_view labels,
                                         std::string_view fields) {
  Selector selector;
  selector.ns = std::string(ns);
  absl::Status status = ParseTerms(labels, /*fields=*/false, &selector.labels);
  if (status.ok()) status = ParseTerms(fields, /*fields=*/true, &selector.fields);
  if (!status.ok()) return status;
  return selector;
}

bool Selector::Matches(const nlohmann::json& object) const {
  if (!ns.empty() && Meta(object, "namespace") != ns) return false;
  nlohmann::json object_labels;
  if (object.contains("metadata") && object["metadata"].is_object()) {
    object_labels = object["metadata"].value("labels", nlohmann::json::object());
  }
  for (const Term& term : labels) {
    std::optional<std::string> value;
    if (object_labels.is_object() && object_labels.contains(term.key) &&
        object_labels[term.key].is_string()) {
      value = object_labels[term.key].get<std::string>();
    }
    if (!TermMatches(term, value)) return false;
  }
  for (const Term& term : fields) {
    if (!TermMatches(term, FieldValue(object, term.key))) return false;
  }
  return true;
}

std::string FakeStore::Key(const std::string& resource, std::string_view ns,
                           std::string_view name) {
  return absl::StrCat(resource, "/", AsAbsl(ns), "/", AsAbsl(name));
}

void FakeStore::Record(const std::string& resource, std::string type,
                       const nlohmann::json& object, nlohmann::json previous) {
  history_.push_back({resource, std::move(type), object, std::move(previous), rv_});
}

absl::StatusOr<nlohmann::json> FakeStore::Create(const std::string& resource,
                                                 nlohmann::json object) {
  if (!object.is_object()) return absl::InvalidArgumentError("object is not a JSON object");
  std::string name = Meta(object, "name");
  std::string ns = resource == "nodes" ? "" : Meta(object, "namespace");
  if (name.empty()) return absl::InvalidArgumentError("metadata.name is required");
  if (resource == "pods" && ns.empty()) {
    ns = "default";
    object["metadata"]["namespace"] = ns;
  }
  std::string key = Key(resource, ns, name);
  if (objects_.count(key) != 0) {
    return absl::AlreadyExistsError(absl::StrCat(resource, " \"", name, "\" already exists"));
  }
  nlohmann::json& metadata = object["metadata"];
  if (!metadata.contains("uid")) metadata["uid"] = absl::StrCat("uid-", next_uid_++);
  metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
  metadata["resourceVersion"] = std::to_string(++rv_);
  if (resource == "nodes") object["kind"] = "Node";
  if (resource == "pods") object["kind"] = "Pod";
  if (resource == "nodes" || resource == "pods") object["apiVersion"] = "v1";
  objects_[key] = object;
  Record(resource, "ADDED", object, nullptr);
  return object;
}

absl::StatusOr<nlohmann::json> FakeStore::Update(const std::string& resource,
                                                 nlohmann::json object) {
  if (!object.is_object()) return absl::InvalidArgumentError("object is not a JSON object");
  std::string ns = resource == "nodes" ? "" : Meta(object, "namespace");
  if (resource == "pods" && ns.empty()) ns = "default";
  std::string name = Meta(object, "name");
  auto it = objects_.find(Key(resource, ns, name));
  if (it == objects_.end()) {
    return absl::NotFoundError(absl::StrCat(resource, " \"", name, "\" not found"));
  }
  nlohmann::json previous = it->second;
  object["metadata"]["uid"] = previous["metadata"]["uid"];
  if (previous["metadata"].contains("namespace")) {
    object["metadata"]["namespace"] = previous["metadata"]["namespace"];
  } else {
    object["metadata"].erase("namespace");
  }
  object["metadata"]["creationTimestamp"] = previous["metadata"]["creationTimestamp"];
  object["metadata"]["resourceVersion"] = std::to_string(++rv_);
  for (const char* field : {"kind", "apiVersion"}) {
    if (previous.contains(field)) object[field] = previous[field];
  }
  it->second = object;
  Record(resource, "MODIFIED", object, std::move(previous));
  return object;
}

absl::StatusOr<nlohmann::json> FakeStore::MergePatch(const std::string& resource,
                                                     std::string_view ns,
                                                     std::string_view name,
                                                     const nlohmann::json& patch) {
  std::optional<nlohmann::json> current = Get(resource, ns, name);
  if (!current.has_value()) {
    return absl::NotFoundError(
        absl::StrCat(resource, " \"", AsAbsl(name), "\" not found"));
  }
  current->merge_patch(patch);
  return Update(resource, *std::move(current));
}

absl::StatusOr<nlohmann::json> FakeStore::Delete(const std::string& resource,
                                                 std::string_view ns, std::string_view name) {
  auto it = objects_.find(Key(resource, ns, name));
  if (it == objects_.end()) {
    return absl::NotFoundError(
        absl::StrCat(resource, " \"", AsAbsl(name), "\" not found"));
  }
  nlohmann::json object = std::move(it->second);
  objects_.erase(it);
  nlohmann::json previous = object;
  // As in the API server, the DELETED event carries a fresh version.
  object["metadata"]["resourceVersion"] = std::to_string(++rv_);
  Record(resource, "DELETED", object, std::move(previous));
  return object;
}

std::optional<nlohmann::json> FakeStore::Get(const std::string& resource,
                                             std::string_view ns,
                                             std::string_view name) const {
  auto it = objects_.find(Key(resource, ns, name));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<nlohmann::json> FakeStore::List(const std::string& resource,
                                            const Selector& selector,
                                            const std::string& after_key, size_t limit,
                                            bool* more, std::string* last_key) const {
  std::vector<nlohmann::json> out;
  *more = false;
  std::string prefix = resource + "/";
  auto it = after_key.empty() ? objects_.lower_bound(prefix) : objects_.upper_bound(after_key);
  for (; it != objects_.end() && absl::StartsWith(it->first, prefix); ++it) {
    if (!selector.Matches(it->second)) continue;
    if (limit != 0 && out.size() == limit) {
      *more = true;
      break;
    }
    out.push_back(it->second);
    *last_key = it->first;
  }
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> FakeStore::EventsAfter(
    const std::string& resource, const Selector& selector, int64_t after) const {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (const StoredEvent& event : history_) {
    if (event.resource_version <= after || event.resource != resource) continue;
    bool now = event.type != "DELETED" && selector.Matches(event.object);
    bool before = !event.previous.is_null() && selector.Matches(event.previous);
    if (event.type == "DELETED") {
      if (before) out.emplace_back("DELETED", event.object);
    } else if (now && before) {
      out.emplace_back(event.type, event.object);
    } else if (now) {
      out.emplace_back("ADDED", event.object);
    } else if (before) {
      out.emplace_back("DELETED", event.object);
    }
  }
  return out;
}

void FakeStore::Compact() {
  compacted_rv_ = rv_;
  history_.clear();
}

}  // namespace gpulet::kube::testing
