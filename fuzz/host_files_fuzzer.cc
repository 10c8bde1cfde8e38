// Fuzz target: the parsers of files the node agent reads from the host —
// /proc/self/mountinfo, /proc/driver/nvidia-caps/mig-minors, sysfs PCI
// config space and numbers (numa_node, minors), PCI bus ids, the driver
// roots an operator configures, the driver root's binary ld.so.cache, and
// the container runtime's TOML config and the features.d label file that
// `gpulet doctor` reads.
//
// Input: the file's bytes, then a last byte choosing the parser. Each
// parser must answer garbage with an error; besides memory errors, a
// result that breaks the parser's documented contract aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cdi/ld_cache.h"
#include "doctor/toml_keys.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "hostfs/decimal.h"
#include "hostfs/driver_roots.h"
#include "hostfs/mig_minors.h"
#include "hostfs/mountinfo.h"
#include "hostfs/path.h"
#include "hostfs/pci_bus_id.h"
#include "hostfs/pci_config.h"
#include "labels/label_file.h"

namespace gpulet::hostfs {
namespace {

void FuzzMountInfo(std::string_view text) {
  absl::StatusOr<std::vector<MountInfoEntry>> entries = ParseMountInfo(text);
  if (entries.ok()) (void)FindDevMountPoints(*entries);
}

void FuzzMigMinors(std::string_view text) {
  absl::StatusOr<MigMinors> minors = ParseMigMinors(text);
  if (!minors.ok()) return;
  // Every parsed capability must be found again under the name it prints.
  for (const auto& [id, minor] : minors->instance_caps()) {
    if (minors->Find(id) != minor) std::abort();
    (void)MigMinors::DeviceNodeName(minor);
  }
}

void FuzzPciConfig(FuzzedDataProvider& input) {
  const unsigned char id = input.ConsumeIntegral<unsigned char>();
  const std::string config = input.ConsumeRemainingBytesAsString();
  absl::StatusOr<std::optional<std::string_view>> cap = FindPciCapability(config, id);
  if (!cap.ok() || !cap->has_value()) return;
  // The capability is a view into the bytes read, never past them.
  const std::string_view bytes = **cap;
  if (bytes.data() < config.data() ||
      bytes.data() + bytes.size() > config.data() + config.size()) {
    std::abort();
  }
}

void FuzzDecimal(FuzzedDataProvider& input) {
  const uint32_t max = input.ConsumeIntegral<uint32_t>();
  std::optional<uint32_t> value = ParseDecimal(input.ConsumeRemainingBytesAsString(), max);
  if (value.has_value() && *value > max) std::abort();
}

// Configured roots and the paths mapped through them.
void FuzzRoots(FuzzedDataProvider& input) {
  const std::string driver = input.ConsumeRandomLengthString(256);
  const std::string dev = input.ConsumeRandomLengthString(256);
  const std::string container = input.ConsumeRandomLengthString(256);
  const std::string path = input.ConsumeRemainingBytesAsString();
  (void)PciBusId::Parse(path);
  (void)NormalizeAbsolutePath(path);
  absl::StatusOr<DriverRoots> roots = DriverRoots::Create(driver, dev, container);
  if (!roots.ok()) return;
  (void)roots->DriverPath(path);
  (void)roots->DevicePath(path);
  (void)roots->ToContainerPath(path);
}

}  // namespace
}  // namespace gpulet::hostfs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpulet::hostfs;
  FuzzedDataProvider input(data, size);
  switch (input.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      FuzzMountInfo(input.ConsumeRemainingBytesAsString());
      break;
    case 1:
      FuzzMigMinors(input.ConsumeRemainingBytesAsString());
      break;
    case 2:
      FuzzPciConfig(input);
      break;
    case 3:
      FuzzDecimal(input);
      break;
    case 4:
      FuzzRoots(input);
      break;
    case 5:
      (void)gpulet::cdi::ParseLdCache(input.ConsumeRemainingBytesAsString());
      break;
    case 6:
      (void)gpulet::doctor::ParseTomlKeys(input.ConsumeRemainingBytesAsString());
      break;
    case 7:
      (void)gpulet::labels::ParseLabelFile(input.ConsumeRemainingBytesAsString());
      break;
  }
  return 0;
}
