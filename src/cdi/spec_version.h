// SpecVersion: a CDI spec version ("cdiVersion"), and the lowest version
// that can express a given spec.
//
// Runtimes reject a spec whose cdiVersion is unknown to them or lower than
// what its content needs (a "hostPath" in a 0.4.0 spec broke podman 4.2;
// "additionalGids" in a 0.7.0 spec breaks podman 4.9). Emitting the minimum
// keeps generated specs readable by the oldest runtime that can use them,
// which is what nvidia-ctk does on save.
//
// A plain value; thread-safe.
#ifndef GPULET_CDI_SPEC_VERSION_H_
#define GPULET_CDI_SPEC_VERSION_H_

#include <compare>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

class SpecVersion {
 public:
  // Accepts the released versions 0.1.0 … 0.8.0, 1.0.0 and 1.1.0, with an
  // optional leading "v" as the Go library does. InvalidArgument quoting
  // `text` for anything else.
  static absl::StatusOr<SpecVersion> Parse(std::string_view text);

  // The newest version this code knows (1.1.0).
  static SpecVersion Latest();

  constexpr SpecVersion(int major, int minor, int patch)
      : major_(major), minor_(minor), patch_(patch) {}

  // "0.5.0", without a leading "v".
  std::string ToString() const;

  friend auto operator<=>(const SpecVersion&, const SpecVersion&) = default;
  friend bool operator==(const SpecVersion&, const SpecVersion&) = default;

 private:
  int major_;
  int minor_;
  int patch_;
};

// The lowest version whose format has every field `spec` uses (reference
// table: 0.3.0 base; 0.4.0 mount type; 0.5.0 device node hostPath or a
// device name starting with a digit; 0.6.0 annotations or a '.' in the
// class; 0.7.0 additionalGids or intelRdt; 1.1.0 netDevices or
// intelRdt.schemata/enableMonitoring).
SpecVersion MinimumVersion(const Spec& spec);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_VERSION_H_
