// Reading and writing whole CDI spec documents as text, JSON or YAML.
//
// The text-level entry points; spec_file.h adds the file system. Parsing
// only decodes (strictly: unknown fields are errors); ValidateSpec checks
// the rules.
//
// Thread-safe (pure functions).
#ifndef GPULET_CDI_SPEC_FORMAT_H_
#define GPULET_CDI_SPEC_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

enum class SpecFormat { kJson, kYaml };

// "json" or "yaml" (any case; "yml" too). InvalidArgument quoting `name`.
absl::StatusOr<SpecFormat> ParseSpecFormat(std::string_view name);

// "json" or "yaml".
std::string_view SpecFormatName(SpecFormat format);

// The format a file name's extension selects (".json", ".yaml", ".yml");
// nullopt for any other name.
std::optional<SpecFormat> FormatOfPath(std::string_view path);

// Deterministic text of `spec`: JSON indented by two spaces, or YAML
// starting with "---". Both end with a newline.
std::string FormatSpec(const Spec& spec, SpecFormat format);

// Decodes a spec document. InvalidArgument for malformed JSON or YAML
// (with line and column) and for every error of SpecFromJson (naming the
// field).
absl::StatusOr<Spec> ParseSpec(std::string_view text, SpecFormat format);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_FORMAT_H_
