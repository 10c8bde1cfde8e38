#include "kube/watch_event.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::kube {
namespace {

// nlohmann's value() throws when the member exists with another type;
// a member of the wrong type here reads as absent instead.
std::string StringMember(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const nlohmann::json& Metadata(const nlohmann::json& object) {
  static const nlohmann::json kNone;
  if (!object.is_object()) return kNone;
  auto it = object.find("metadata");
  return it != object.end() ? *it : kNone;
}

}  // namespace

absl::StatusOr<WatchEvent> ParseWatchEvent(std::string_view line) {
  nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  WatchEvent out;
  out.type = StringMember(event, "type");
  auto object = event.is_object() ? event.find("object") : event.end();
  if (out.type.empty() || object == event.end() || !object->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed event line: ", AsAbsl(line.substr(0, 120))));
  }
  out.object = std::move(*object);
  return out;
}

bool HasMetadata(const nlohmann::json& object) { return Metadata(object).is_object(); }

std::string ObjectKey(const nlohmann::json& object) {
  const nlohmann::json& metadata = Metadata(object);
  return absl::StrCat(StringMember(metadata, "namespace"), "/", StringMember(metadata, "name"));
}

std::string ObjectVersion(const nlohmann::json& object) {
  return StringMember(Metadata(object), "resourceVersion");
}

int StatusCodeOf(const nlohmann::json& status) {
  auto it = status.is_object() ? status.find("code") : status.end();
  if (it == status.end() || !it->is_number_integer()) return 0;
  const int64_t code = it->get<int64_t>();
  return code >= 100 && code <= 999 ? static_cast<int>(code) : 0;
}

}  // namespace gpulet::kube
