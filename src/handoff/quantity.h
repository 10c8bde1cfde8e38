// Quantity: a Kubernetes resource quantity ("500m", "2", "64Gi", "1e3"),
// parsed exactly as apimachinery's resource.Quantity reads it, kept with
// nano precision. Value() and MilliValue() round up, as Kubernetes does, so a
// request is never under-counted.
//
// A small immutable value type; thread-compatible.
#ifndef GPULET_HANDOFF_QUANTITY_H_
#define GPULET_HANDOFF_QUANTITY_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::handoff {

class Quantity {
 public:
  // Accepts an optional sign, decimal digits with an optional fraction, then
  // one of: a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix (n u m k M
  // G T P E) or an exponent (e3, E-2). InvalidArgument for anything else, or
  // when the value does not fit in int64 units.
  static absl::StatusOr<Quantity> Parse(std::string_view text);

  // In whole units (bytes, cores, devices), rounded up.
  int64_t Value() const;
  // In thousandths of a unit, rounded up.
  int64_t MilliValue() const;
  // True when the quantity is a whole number of units.
  bool IsWhole() const;
  bool IsNegative() const { return nanos_ < 0; }

  friend bool operator==(const Quantity&, const Quantity&) = default;

 private:
  explicit Quantity(__int128 nanos) : nanos_(nanos) {}

  __int128 nanos_;  // the quantity in 1e-9 units
};

}  // namespace gpulet::handoff

#endif  // GPULET_HANDOFF_QUANTITY_H_
