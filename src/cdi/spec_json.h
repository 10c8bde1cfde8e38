// Conversion between Spec values and JSON documents.
//
// Encoding writes keys in the order of the Go structs of the CDI library
// (cdiVersion, kind, annotations, devices, containerEdits; env,
// deviceNodes, netDevices, hooks, mounts, intelRdt, additionalGids) and
// leaves out empty fields, so two equal specs always serialize to the same
// bytes. Decoding is strict like the Go library's: an unknown field or a
// value of the wrong type is an error, because that is what makes a runtime
// refuse the spec.
//
// Thread-safe (pure functions).
#ifndef GPULET_CDI_SPEC_JSON_H_
#define GPULET_CDI_SPEC_JSON_H_

#include "absl/status/statusor.h"
#include "cdi/spec.h"
#include "nlohmann/json.hpp"

namespace gpulet::cdi {

nlohmann::ordered_json SpecToJson(const Spec& spec);

// InvalidArgument naming the field by its JSON path
// ("devices[1].containerEdits.deviceNodes[0].major") for an unknown field,
// a missing required field (cdiVersion, kind, devices, device name) or a
// value of the wrong type.
absl::StatusOr<Spec> SpecFromJson(const nlohmann::json& json);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_JSON_H_
