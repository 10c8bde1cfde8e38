#include "hostfs/testing/pci_config_bytes.h"

#include <cstdlib>

namespace gpulet::hostfs::testing {

std::string PciConfigSpace(const std::vector<std::string>& capabilities, size_t size) {
  std::string config(size < 64 ? 64 : size, '\0');
  config[0x00] = '\xde';  // vendor 0x10de, little-endian
  config[0x01] = '\x10';
  config[0x0b] = '\x03';  // class: display controller
  if (capabilities.empty()) return config.substr(0, size);
  config[0x06] = '\x10';  // status: capability list
  size_t at = 0x40;
  config[0x34] = static_cast<char>(at);
  for (size_t i = 0; i < capabilities.size(); ++i) {
    const std::string& cap = capabilities[i];
    const size_t next = i + 1 < capabilities.size() ? (at + cap.size() + 3) & ~size_t{3} : 0;
    if (at + cap.size() > config.size()) std::abort();  // fixture too big
    config.replace(at, cap.size(), cap);
    if (cap.size() > 1) config[at + 1] = static_cast<char>(next);
    at = next;
  }
  return config;
}

std::string PowerManagementCapability() {
  return std::string("\x01\x00\x03\x00\x08\x00\x00\x00", 8);
}

std::string VgpuCapability(std::string_view host_version, std::string_view branch,
                           const std::vector<std::string>& records_before) {
  std::string cap("\x09\x00\x00VF", 5);
  for (const std::string& record : records_before) cap += record;
  std::string record("\x00\x16", 2);
  record += std::string(host_version).substr(0, 10);
  record.resize(12, '\0');
  record += std::string(branch).substr(0, 10);
  record.resize(22, '\0');
  cap += record;
  cap[2] = static_cast<char>(cap.size());
  return cap;
}

}  // namespace gpulet::hostfs::testing
