// Typed reads of the hand-off's JSON fields, with errors that name the
// annotation and the field path ("gpulet.io/gpus: gpus[2].uuid: expected a
// string"). Internal to handoff/.
//
// Stateless functions; thread-safe.
#ifndef GPULET_HANDOFF_JSON_FIELD_H_
#define GPULET_HANDOFF_JSON_FIELD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::handoff::internal {

// Parses `text` as a JSON object. InvalidArgument naming `what` otherwise.
absl::StatusOr<nlohmann::json> ParseObject(std::string_view what, std::string_view text);

// An InvalidArgument "<what>: <path>: <why>".
absl::Status FieldError(std::string_view what, std::string_view path, std::string_view why);

// The member `key` of `object` (at `path`), which must be present and of
// the asked type. Integers must fit in [min, max].
absl::StatusOr<std::string> RequiredString(std::string_view what, const nlohmann::json& object,
                                           std::string_view path, std::string_view key);
absl::StatusOr<int64_t> RequiredInt(std::string_view what, const nlohmann::json& object,
                                    std::string_view path, std::string_view key, int64_t min,
                                    int64_t max);
absl::StatusOr<const nlohmann::json*> RequiredArray(std::string_view what,
                                                    const nlohmann::json& object,
                                                    std::string_view path, std::string_view key);

// "path.key", or "key" for the top level.
std::string Member(std::string_view path, std::string_view key);
// "path[index]".
std::string Element(std::string_view path, size_t index);

}  // namespace gpulet::handoff::internal

#endif  // GPULET_HANDOFF_JSON_FIELD_H_
