#include "cdi/spec_yaml.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::cdi {
namespace {

using OrderedJson = nlohmann::ordered_json;

// Characters that may appear in a plain scalar we emit. Deliberately
// narrow: no ':', '#', ',', brackets, quotes or spaces, so no context can
// change its meaning.
bool IsPlainChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
         c == '.' || c == '-' || c == '=' || c == '+';
}

// True when `s` can be written without quotes and reads back as the same
// string: starts with a letter or '/', and is not a YAML 1.1 boolean or null.
bool IsSafePlain(const std::string& s) {
  if (s.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '/') return false;
  for (char c : s) {
    if (!IsPlainChar(c)) return false;
  }
  static constexpr std::string_view kReserved[] = {
      "true", "false", "yes", "no", "on", "off", "null", "y", "n"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : kReserved) {
    if (lower == word) return false;
  }
  return true;
}

std::string Scalar(const OrderedJson& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    // A JSON string literal is a valid YAML double-quoted scalar.
    return IsSafePlain(s) ? s : value.dump();
  }
  return value.dump();
}

bool IsEmptyCollection(const OrderedJson& value) {
  return (value.is_object() || value.is_array()) && value.empty();
}

void Emit(const OrderedJson& value, int indent, std::string& out);

// Writes `value` as the value of a "key:" or "- " already on the line.
void EmitNested(const OrderedJson& value, int indent, std::string& out) {
  if (IsEmptyCollection(value)) {
    absl::StrAppend(&out, value.is_object() ? " {}\n" : " []\n");
  } else if (value.is_object() || value.is_array()) {
    out += "\n";
    Emit(value, indent, out);
  } else {
    absl::StrAppend(&out, " ", Scalar(value), "\n");
  }
}

void Emit(const OrderedJson& value, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      absl::StrAppend(&out, pad, Scalar(OrderedJson(key)), ":");
      EmitNested(item, indent + 2, out);
    }
  } else if (value.is_array()) {
    for (const OrderedJson& item : value) {
      if (item.is_object() && !item.empty()) {
        // "- key: value" with the rest of the map aligned under "key".
        std::string nested;
        Emit(item, indent + 2, nested);
        absl::StrAppend(&out, pad, "- ", nested.substr(indent + 2));
      } else {
        absl::StrAppend(&out, pad, "-");
        EmitNested(item, indent + 2, out);
      }
    }
  } else {
    absl::StrAppend(&out, pad, Scalar(value), "\n");
  }
}

absl::Status MarkError(const YAML::Mark& mark, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", mark.line + 1, ", column ", mark.column + 1, ": ",
      absl::string_view(what.data(), what.size())));
}

nlohmann::json PlainScalar(const std::string& text) {
  int64_t number = 0;
  if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                        text[0] == '-') &&
      absl::SimpleAtoi(text, &number)) {
    return number;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" ||
      text == "NULL") {
    return nullptr;
  }
  return text;
}

absl::StatusOr<nlohmann::json> Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nlohmann::json(nullptr);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      if (node.Tag() == "!") return nlohmann::json(node.Scalar());
      return PlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const YAML::Node& item : node) {
        ASSIGN_OR_RETURN(nlohmann::json value, Convert(item));
        out.push_back(std::move(value));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return MarkError(entry.first.Mark(), "map keys must be scalars");
        }
        ASSIGN_OR_RETURN(nlohmann::json value, Convert(entry.second));
        out[entry.first.Scalar()] = std::move(value);
      }
      return out;
    }
  }
  return MarkError(node.Mark(), "unsupported YAML node");
}

}  // namespace

std::string JsonToYaml(const nlohmann::ordered_json& json) {
  std::string out = "---\n";
  Emit(json, 0, out);
  return out;
}

absl::StatusOr<nlohmann::json> YamlToJson(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return MarkError(e.mark, e.msg);
  }
  ASSIGN_OR_RETURN(nlohmann::json json, Convert(root));
  // yaml-cpp passes any bytes through, but JSON text (and so every spec
  // gpulet writes) must be UTF-8: nlohmann::json throws when asked to write
  // such a string. Go's YAML decoder refuses the input likewise.
  try {
    (void)json.dump();
  } catch (const nlohmann::json::type_error& e) {
    return absl::InvalidArgumentError(absl::StrCat("a string is not UTF-8: ", e.what()));
  }
  return json;
}

}  // namespace gpulet::cdi
