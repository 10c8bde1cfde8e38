// PciBusId: the address of a PCI function (domain:bus:device.function).
//
// NVML reports bus ids with an 8-digit upper-case domain ("00000000:17:00.0")
// while sysfs names devices with a 4-digit lower-case one ("0000:17:00.0").
// Comparing the strings breaks on exactly that difference, so every module
// that joins NVML data with sysfs goes through this value type instead.
//
// A plain value: copyable, immutable, thread-safe.
#ifndef GPULET_HOSTFS_PCI_BUS_ID_H_
#define GPULET_HOSTFS_PCI_BUS_ID_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::hostfs {

class PciBusId {
 public:
  // Accepts "DDDDDDDD:BB:DD.F" (NVML), "DDDD:BB:DD.F" (sysfs) and "BB:DD.F"
  // (domain 0), hex digits in either case. Returns InvalidArgument quoting
  // `text` for anything else, including a device above 0x1f or a function
  // above 7.
  static absl::StatusOr<PciBusId> Parse(std::string_view text);

  PciBusId(uint32_t domain, uint8_t bus, uint8_t device, uint8_t function);

  uint32_t domain() const { return domain_; }
  uint8_t bus() const { return bus_; }
  uint8_t device() const { return device_; }
  uint8_t function() const { return function_; }

  // NVML form: "00000000:17:00.0" (8-digit domain, upper-case hex).
  std::string ToString() const;
  // sysfs form: "0000:17:00.0" (at least 4-digit domain, lower-case hex), the
  // name of the entry under /sys/bus/pci/devices/.
  std::string ToSysfsString() const;

  friend auto operator<=>(const PciBusId&, const PciBusId&) = default;
  friend bool operator==(const PciBusId&, const PciBusId&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const PciBusId& id) {
    return H::combine(std::move(h), id.domain_, id.bus_, id.device_,
                      id.function_);
  }

 private:
  uint32_t domain_;
  uint8_t bus_;
  uint8_t device_;
  uint8_t function_;
};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_PCI_BUS_ID_H_
