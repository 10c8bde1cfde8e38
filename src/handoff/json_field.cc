#include "handoff/json_field.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::handoff::internal {

absl::StatusOr<nlohmann::json> ParseObject(std::string_view what, std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(what), ": not valid JSON"));
  }
  if (!parsed.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(what), ": expected a JSON object"));
  }
  return parsed;
}

absl::Status FieldError(std::string_view what, std::string_view path, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(AsAbsl(what), ": ", AsAbsl(path), ": ", AsAbsl(why)));
}

std::string Member(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(AsAbsl(path), ".", AsAbsl(key));
}

std::string Element(std::string_view path, size_t index) {
  return absl::StrCat(AsAbsl(path), "[", index, "]");
}

absl::StatusOr<std::string> RequiredString(std::string_view what, const nlohmann::json& object,
                                           std::string_view path, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return FieldError(what, Member(path, key), "missing");
  if (!it->is_string()) return FieldError(what, Member(path, key), "expected a string");
  return it->get<std::string>();
}

absl::StatusOr<int64_t> RequiredInt(std::string_view what, const nlohmann::json& object,
                                    std::string_view path, std::string_view key, int64_t min,
                                    int64_t max) {
  auto it = object.find(key);
  if (it == object.end()) return FieldError(what, Member(path, key), "missing");
  if (!it->is_number_integer()) {
    return FieldError(what, Member(path, key), "expected an integer");
  }
  // Unsigned values above int64's range are out of range too.
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return FieldError(what, Member(path, key), absl::StrCat("must be at most ", max));
  }
  const int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    return FieldError(what, Member(path, key),
                      absl::StrCat("must be in ", min, "..", max, ", got ", value));
  }
  return value;
}

absl::StatusOr<const nlohmann::json*> RequiredArray(std::string_view what,
                                                    const nlohmann::json& object,
                                                    std::string_view path, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return FieldError(what, Member(path, key), "missing");
  if (!it->is_array()) return FieldError(what, Member(path, key), "expected an array");
  return &*it;
}

}  // namespace gpulet::handoff::internal
