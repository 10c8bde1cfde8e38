// Hand-made PCI configuration spaces for tests of the capability walk and
// of the vGPU labels: a standard header with an NVIDIA vendor id and a
// capability list built from the given capabilities.
//
// Test-only; pure functions.
#ifndef GPULET_HOSTFS_TESTING_PCI_CONFIG_BYTES_H_
#define GPULET_HOSTFS_TESTING_PCI_CONFIG_BYTES_H_

#include <string>
#include <string_view>
#include <vector>

namespace gpulet::hostfs::testing {

// A `size`-byte config space (at least 64) whose capability list holds
// `capabilities` in order, the first at 0x40 and each next one 4-byte
// aligned after the previous. Each capability is given from its id byte
// on; its next pointer (second byte) is filled in here. Without
// capabilities the status register says there is no list.
std::string PciConfigSpace(const std::vector<std::string>& capabilities,
                           size_t size = 256);

// A power-management capability (id 0x01, 8 bytes): something to skip.
std::string PowerManagementCapability();

// The vendor-specific capability a vGPU carries: id 0x09, length, the
// "VF" signature, `records_before` (each a whole record: type, length,
// data) and the host driver record (type 0): 10 bytes of version and 10 of
// branch, NUL-padded.
std::string VgpuCapability(std::string_view host_version, std::string_view branch,
                           const std::vector<std::string>& records_before = {});

}  // namespace gpulet::hostfs::testing

#endif  // GPULET_HOSTFS_TESTING_PCI_CONFIG_BYTES_H_
