// The rules container runtimes enforce when they load a CDI spec (the Go
// library of cncf-tags/container-device-interface, which containerd,
// CRI-O, podman and Docker all vendor), checked before gpulet writes a spec
// and by `gpulet cdi validate`.
//
// The JSON schema is much laxer than these rules (no name patterns, no
// version check, unknown fields allowed), so a schema-valid spec can still
// be refused at container start; these checks catch that at generation
// time instead. Unknown fields are rejected by the decoder (spec_json.h).
//
// Thread-safe (pure functions).
#ifndef GPULET_CDI_SPEC_VALIDATOR_H_
#define GPULET_CDI_SPEC_VALIDATOR_H_

#include <string_view>

#include "absl/status/status.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

// Vendor ("nvidia.com") and class ("gpu") of a kind: first character a
// letter, last a letter or digit, the rest letters, digits, '_', '.', '-'.
// InvalidArgument naming "vendor" or "class" and quoting `name`.
absl::Status ValidateVendorName(std::string_view name);
absl::Status ValidateClassName(std::string_view name);

// A device name: first and last character a letter or digit, the rest
// letters, digits, '_', '.', ':', '-'. InvalidArgument quoting `name`.
absl::Status ValidateDeviceName(std::string_view name);

// Every rule, each failure an InvalidArgument whose message names the rule
// and the offending field ("devices[2] \"x\": empty device edits"):
//   cdiVersion released and >= MinimumVersion(spec); kind "vendor/class"
//   with valid names; at least one device; unique, valid device names;
//   non-empty edits per device; env "NAME=value" with a non-empty name;
//   device node path set, type in {"", b, c, u, p}, permissions "",
//   "none" or letters of "rwm"; hook hookName an OCI hook point and path
//   set; mount hostPath and containerPath set.
absl::Status ValidateSpec(const Spec& spec);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_VALIDATOR_H_
