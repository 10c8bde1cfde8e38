#include "hostfs/pci_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_string_view.h"

namespace gpulet::hostfs {
namespace {

constexpr size_t kHeaderSize = 0x40;
constexpr size_t kStatusOffset = 0x06;
constexpr unsigned int kStatusCapabilityList = 0x10;
constexpr size_t kCapabilityPointer = 0x34;
// 256 bytes of config space hold at most 48 capabilities of 4 bytes after
// the header; a longer walk is a loop.
constexpr int kMaxCapabilities = 48;

unsigned int Byte(std::string_view config, size_t offset) {
  return static_cast<unsigned char>(config[offset]);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListNvidiaPciFunctions(const HostView& host) {
  absl::StatusOr<std::vector<std::string>> entries = host.ListDirectory(kPciDevicesDir);
  if (!entries.ok()) return entries.status();
  std::vector<std::string> out;
  for (const std::string& address : *entries) {
    absl::StatusOr<std::string> vendor =
        host.ReadFile(absl::StrCat(kPciDevicesDir, "/", address, "/vendor"));
    unsigned int id = 0;
    if (vendor.ok() &&
        absl::SimpleHexAtoi(absl::StripAsciiWhitespace(*vendor), &id) &&
        id == kPciVendorNvidia) {
      out.push_back(address);
    }
  }
  return out;
}

absl::StatusOr<std::string> ReadPciConfig(const HostView& host, std::string_view address) {
  return host.ReadFile(absl::StrCat(kPciDevicesDir, "/", AsAbsl(address), "/config"));
}

absl::StatusOr<std::optional<std::string_view>> FindPciCapability(
    std::string_view config, unsigned char capability_id) {
  if (config.size() < kHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config space is %d bytes, shorter than the 64-byte header", config.size()));
  }
  const unsigned int status =
      Byte(config, kStatusOffset) | Byte(config, kStatusOffset + 1) << 8;
  if ((status & kStatusCapabilityList) == 0) return std::nullopt;
  // The low two bits of every pointer are reserved.
  size_t at = Byte(config, kCapabilityPointer) & 0xfc;
  for (int seen = 0; at != 0; ++seen) {
    if (seen == kMaxCapabilities) {
      return absl::InvalidArgumentError("capability list loops");
    }
    if (at < kHeaderSize) {
      return absl::InvalidArgumentError(
          absl::StrFormat("capability pointer 0x%02x points into the header", at));
    }
    if (at + 2 > config.size()) {
      return absl::OutOfRangeError(absl::StrFormat(
          "capability at 0x%02x is past the %d bytes read (reading beyond the "
          "header needs root)", at, config.size()));
    }
    if (Byte(config, at) == capability_id) {
      if (at + 3 > config.size()) {
        return absl::OutOfRangeError(
            absl::StrFormat("capability at 0x%02x has no length byte", at));
      }
      const size_t length = Byte(config, at + 2);
      if (length < 3) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "capability at 0x%02x has length %d, less than its own header", at, length));
      }
      if (at + length > config.size()) {
        return absl::OutOfRangeError(absl::StrFormat(
            "capability at 0x%02x of %d bytes runs past the %d bytes read", at,
            length, config.size()));
      }
      return config.substr(at, length);
    }
    at = Byte(config, at + 1) & 0xfc;
  }
  return std::nullopt;
}

}  // namespace gpulet::hostfs
