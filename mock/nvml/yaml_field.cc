#include "mock/nvml/yaml_field.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "base/status_macros.h"

namespace gpulet::mock {

// yaml-cpp answers a lookup of a missing key with an "invalid" node that
// throws on most uses (even assignment); a plain null node stands in for it.
template <typename Key>
YAML::Node YamlField::Child(bool applicable, const Key& key) const {
  if (!applicable) return YAML::Node();
  // The const overload looks up without inserting.
  const YAML::Node& self = node_;
  YAML::Node child(self[key]);
  return child.IsDefined() ? child : YAML::Node();
}

YamlField::YamlField(YAML::Node node, std::string file_name)
    : node_(std::move(node)), file_name_(std::move(file_name)) {}

YamlField::YamlField(YAML::Node node, std::string path, std::string file_name)
    : node_(std::move(node)),
      path_(std::move(path)),
      file_name_(std::move(file_name)) {}

absl::StatusOr<YamlField> YamlField::Parse(absl::string_view text,
                                           std::string file_name) {
  YAML::Node node;
  try {
    node = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from zero; editors count from one.
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", e.mark.line + 1, ":", e.mark.column + 1,
                     ": invalid YAML: ", e.msg));
  }
  return YamlField(std::move(node), std::move(file_name));
}

YamlField YamlField::operator[](absl::string_view key) const {
  std::string path = path_.empty() ? std::string(key)
                                   : absl::StrCat(path_, ".", key);
  return YamlField(Child(node_.IsMap(), std::string(key)), std::move(path),
                   file_name_);
}

YamlField YamlField::At(size_t index) const {
  return YamlField(Child(node_.IsSequence() && index < node_.size(), index),
                   absl::StrCat(path_, "[", index, "]"), file_name_);
}

absl::Status YamlField::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(
      file_name_, ": ", path_.empty() ? "(top level)" : path_, ": ", what));
}

absl::StatusOr<std::string> YamlField::String() const {
  if (!present()) return Error("missing");
  if (!node_.IsScalar()) return Error("expected a string");
  return node_.Scalar();
}

absl::StatusOr<uint64_t> YamlField::Uint(uint64_t max) const {
  if (!present()) return Error("missing");
  if (!node_.IsScalar()) return Error("expected an integer");
  const std::string& text = node_.Scalar();
  uint64_t value = 0;
  bool ok = false;
  if (absl::StartsWithIgnoreCase(text, "0x")) {
    ok = absl::SimpleHexAtoi(text.substr(2), &value) && text.size() > 2;
  } else {
    ok = !text.empty() && absl::ascii_isdigit(text[0]) &&
         absl::SimpleAtoi(text, &value);
  }
  if (!ok) return Error(absl::StrCat("expected an integer, got \"", text, "\""));
  if (value > max) {
    return Error(absl::StrCat("expected at most ", max, ", got ", text));
  }
  return value;
}

absl::StatusOr<bool> YamlField::Bool() const {
  if (!present()) return Error("missing");
  bool value = false;
  if (!node_.IsScalar() || !YAML::convert<bool>::decode(node_, value)) {
    return Error("expected true or false");
  }
  return value;
}

absl::StatusOr<std::string> YamlField::Uuid(absl::string_view prefix) const {
  ASSIGN_OR_RETURN(std::string uuid, String());
  static constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  bool ok = absl::StartsWith(uuid, prefix);
  size_t pos = prefix.size();
  for (size_t i = 0; ok && i < 5; ++i) {
    for (size_t j = 0; ok && j < kGroups[i]; ++j, ++pos) {
      ok = pos < uuid.size() && absl::ascii_isxdigit(uuid[pos]);
    }
    if (i < 4) ok = ok && pos < uuid.size() && uuid[pos++] == '-';
  }
  if (!ok || pos != uuid.size()) {
    return Error(absl::StrCat("expected a UUID like \"", prefix,
                              "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\", got \"",
                              uuid, "\""));
  }
  return uuid;
}

absl::Status YamlField::ExpectMap(
    std::initializer_list<absl::string_view> allowed) const {
  if (!present()) return Error("missing");
  if (!node_.IsMap()) return Error("expected a map");
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    bool known = false;
    for (absl::string_view a : allowed) known = known || a == key;
    if (!known) {
      return (*this)[key].Error(absl::StrCat(
          "unknown field (expected one of: ", absl::StrJoin(allowed, ", "),
          ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status YamlField::ExpectSequence() const {
  if (!present()) return Error("missing");
  if (!node_.IsSequence()) return Error("expected a list");
  return absl::OkStatus();
}

}  // namespace gpulet::mock
