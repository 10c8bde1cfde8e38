// PCI configuration space of the node's NVIDIA functions, read from
// /sys/bus/pci/devices/<address>/config through a HostView, and the walk of
// its capability list. Used to find the vendor-specific capability that a
// vGPU (a GPU passed to a VM by NVIDIA's vGPU manager) carries.
//
// The kernel hands unprivileged readers only the first 64 bytes (the
// standard header); the capabilities live after it, so a non-root gpulet
// sees a list that points past what it read: OutOfRange, not a crash.
//
// Pure functions over their inputs; thread-safe.
#ifndef GPULET_HOSTFS_PCI_CONFIG_H_
#define GPULET_HOSTFS_PCI_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hostfs/host_view.h"

namespace gpulet::hostfs {

inline constexpr char kPciDevicesDir[] = "/sys/bus/pci/devices";
inline constexpr unsigned int kPciVendorNvidia = 0x10de;
// Capability id of a vendor-specific capability (PCI spec: 0x09).
inline constexpr unsigned char kPciCapabilityVendorSpecific = 0x09;

// The sysfs addresses ("0000:3b:00.0") of the PCI functions whose vendor
// file reads 0x10de, sorted. NotFound when the devices dir is missing;
// functions whose vendor file cannot be read are skipped.
absl::StatusOr<std::vector<std::string>> ListNvidiaPciFunctions(const HostView& host);

// The config space of function `address` as the kernel returns it (64,
// 256 or 4096 bytes). Errors as HostView::ReadFile, naming the path.
absl::StatusOr<std::string> ReadPciConfig(const HostView& host, std::string_view address);

// The first capability with id `capability_id` in config space `config`:
// its bytes from the id byte on, as many as its length byte (third byte)
// says. nullopt when the function has no capability list or none with that
// id. InvalidArgument when the header is shorter than 64 bytes, a pointer
// points into the header, the list loops or a length is below 3;
// OutOfRange when the list or the capability runs past the bytes read
// (an unprivileged read). No byte outside `config` is ever read.
absl::StatusOr<std::optional<std::string_view>> FindPciCapability(
    std::string_view config, unsigned char capability_id);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_PCI_CONFIG_H_
