#include "config/yaml_field.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"

namespace gpulet::config_internal {
namespace {

std::string TypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "\"" + node.Scalar() + "\"";
    default: return "nothing";
  }
}

}  // namespace

int YamlField::line() const {
  if (!node_.IsDefined()) return 0;
  return node_.Mark().line + 1;
}

bool YamlField::IsNull() const { return !node_.IsDefined() || node_.IsNull(); }

std::string YamlField::Describe(std::string_view what) const {
  std::string where = *file_name_;
  if (line() > 0) where += ":" + std::to_string(line());
  return where + ": " + path_ + ": " + std::string(what);
}

absl::Status YamlField::Error(std::string_view what) const {
  return absl::InvalidArgumentError(Describe(what));
}

absl::Status YamlField::Error(const absl::Status& cause) const {
  absl::string_view message = cause.message();
  return Error(std::string_view(message.data(), message.size()));
}

absl::StatusOr<bool> YamlField::AsBool() const {
  bool value = false;
  // YAML 1.1 spellings (yes/no/on/off) as NVIDIA's YAML→JSON converter.
  if (!node_.IsScalar() || !YAML::convert<bool>::decode(node_, value)) {
    return Error("expected true or false, got " + TypeName(node_));
  }
  return value;
}

absl::StatusOr<std::string> YamlField::AsString() const {
  if (!node_.IsScalar()) return Error("expected a string, got " + TypeName(node_));
  return node_.Scalar();
}

absl::StatusOr<int64_t> YamlField::AsInt() const {
  int64_t value = 0;
  if (!node_.IsScalar() || !absl::SimpleAtoi(node_.Scalar(), &value)) {
    return Error("expected an integer, got " + TypeName(node_));
  }
  return value;
}

absl::StatusOr<std::vector<std::string>> YamlField::AsStringOrList() const {
  if (node_.IsScalar()) return std::vector<std::string>{node_.Scalar()};
  if (!node_.IsSequence()) {
    return Error("expected a string or a list of strings, got " + TypeName(node_));
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < node_.size(); ++i) {
    YamlField item(node_[i], path_ + "[" + std::to_string(i) + "]", file_name_);
    absl::StatusOr<std::string> value = item.AsString();
    if (!value.ok()) return value.status();
    values.push_back(*std::move(value));
  }
  return values;
}

absl::StatusOr<std::vector<YamlField>> YamlField::AsList() const {
  if (!node_.IsSequence()) return Error("expected a list, got " + TypeName(node_));
  std::vector<YamlField> items;
  for (size_t i = 0; i < node_.size(); ++i) {
    items.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]", file_name_);
  }
  return items;
}

std::optional<YamlField> YamlField::Child(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (const auto& entry : node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      if (entry.second.IsNull()) return std::nullopt;
      std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
      return YamlField(entry.second, std::move(path), file_name_);
    }
  }
  return std::nullopt;
}

absl::Status YamlField::CheckMap(std::initializer_list<std::string_view> known,
                                 std::vector<std::string>* warnings) const {
  if (!node_.IsMap()) return Error("expected a map, got " + TypeName(node_));
  for (const auto& entry : node_) {
    std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    YamlField unknown(entry.first, path_.empty() ? key : path_ + "." + key,
                      file_name_);
    warnings->push_back(unknown.Describe(
        "unknown field, ignored (as NVIDIA's parser does); check its spelling"));
  }
  return absl::OkStatus();
}

}  // namespace gpulet::config_internal
