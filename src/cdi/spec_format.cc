#include "cdi/spec_format.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "cdi/spec_json.h"
#include "cdi/spec_yaml.h"

namespace gpulet::cdi {

absl::StatusOr<SpecFormat> ParseSpecFormat(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(AsAbsl(name));
  if (lower == "json") return SpecFormat::kJson;
  if (lower == "yaml" || lower == "yml") return SpecFormat::kYaml;
  return absl::InvalidArgumentError(absl::StrCat(
      "format \"", AsAbsl(name), "\" is neither json nor yaml"));
}

std::string_view SpecFormatName(SpecFormat format) {
  return format == SpecFormat::kJson ? "json" : "yaml";
}

std::optional<SpecFormat> FormatOfPath(std::string_view path) {
  absl::string_view p = AsAbsl(path);
  if (absl::EndsWith(p, ".json")) return SpecFormat::kJson;
  if (absl::EndsWith(p, ".yaml") || absl::EndsWith(p, ".yml")) return SpecFormat::kYaml;
  return std::nullopt;
}

std::string FormatSpec(const Spec& spec, SpecFormat format) {
  nlohmann::ordered_json json = SpecToJson(spec);
  if (format == SpecFormat::kYaml) return JsonToYaml(json);
  return json.dump(2) + "\n";
}

absl::StatusOr<Spec> ParseSpec(std::string_view text, SpecFormat format) {
  nlohmann::json json;
  if (format == SpecFormat::kYaml) {
    ASSIGN_OR_RETURN(json, YamlToJson(text));
  } else {
    try {
      json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed JSON at byte ", e.byte, ": ", e.what()));
    } catch (const nlohmann::json::out_of_range& e) {
      // A number beyond a double's range ("1e999") is not a parse_error.
      return absl::InvalidArgumentError(absl::StrCat("malformed JSON: ", e.what()));
    }
  }
  return SpecFromJson(json);
}

}  // namespace gpulet::cdi
