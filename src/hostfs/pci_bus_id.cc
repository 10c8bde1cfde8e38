#include "hostfs/pci_bus_id.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

#include "base/absl_string_view.h"

namespace gpulet::hostfs {
namespace {

// Parses 1 to `max_digits` hex digits into a value no larger than `max`.
bool ParseHexField(absl::string_view text, size_t max_digits, uint32_t max,
                   uint32_t* out) {
  if (text.empty() || text.size() > max_digits) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  uint32_t value = 0;
  if (!absl::SimpleHexAtoi(text, &value) || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

PciBusId::PciBusId(uint32_t domain, uint8_t bus, uint8_t device,
                   uint8_t function)
    : domain_(domain), bus_(bus), device_(device), function_(function) {}

absl::StatusOr<PciBusId> PciBusId::Parse(std::string_view text) {
  auto error = [text] {
    return absl::InvalidArgumentError(absl::StrCat(
        "PCI bus id \"", AsAbsl(text),
        "\" is not of the form [domain:]bus:device.function in hex"));
  };
  std::vector<absl::string_view> colon = absl::StrSplit(AsAbsl(text), ':');
  if (colon.size() != 2 && colon.size() != 3) return error();
  absl::string_view domain_text = colon.size() == 3 ? colon[0] : "0";
  absl::string_view bus_text = colon[colon.size() - 2];
  std::vector<absl::string_view> dot = absl::StrSplit(colon.back(), '.');
  if (dot.size() != 2) return error();

  uint32_t domain, bus, device, function;
  if (!ParseHexField(domain_text, 8, 0xffffffff, &domain) ||
      !ParseHexField(bus_text, 2, 0xff, &bus) ||
      !ParseHexField(dot[0], 2, 0x1f, &device) ||
      !ParseHexField(dot[1], 1, 0x7, &function)) {
    return error();
  }
  return PciBusId(domain, static_cast<uint8_t>(bus),
                  static_cast<uint8_t>(device), static_cast<uint8_t>(function));
}

std::string PciBusId::ToString() const {
  return absl::StrFormat("%08X:%02X:%02X.%X", domain_, bus_, device_,
                         function_);
}

std::string PciBusId::ToSysfsString() const {
  return absl::StrFormat("%04x:%02x:%02x.%x", domain_, bus_, device_,
                         function_);
}

}  // namespace gpulet::hostfs
