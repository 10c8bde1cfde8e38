// YAML spelling of CDI spec documents: JSON values to YAML text and back.
//
// Specs are modelled as JSON (spec_json.h); YAML files are converted at the
// edge. The emitter is our own rather than yaml-cpp's because yaml-cpp
// writes the string "0" unquoted, which every reader then takes for the
// number 0 and a strict CDI parser rejects as a device name of the wrong
// type. Here any string that could read as something else is
// double-quoted, and the output is byte-for-byte deterministic.
//
// Thread-safe (pure functions).
#ifndef GPULET_CDI_SPEC_YAML_H_
#define GPULET_CDI_SPEC_YAML_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::cdi {

// Block-style YAML of `json` starting with "---\n" as nvidia-ctk writes it;
// object keys keep their order.
std::string JsonToYaml(const nlohmann::ordered_json& json);

// Parses one YAML document into JSON: quoted scalars are strings; plain
// scalars are integers, booleans or null when they read as one, else
// strings. InvalidArgument naming the line and column for malformed YAML,
// aliases to missing anchors, or non-scalar map keys.
absl::StatusOr<nlohmann::json> YamlToJson(std::string_view text);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_YAML_H_
