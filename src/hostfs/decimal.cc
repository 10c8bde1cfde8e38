#include "hostfs/decimal.h"

namespace gpulet::hostfs {

std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max) {
  // Ten digits hold any uint32_t; more can only overflow.
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<uint32_t>(value);
}

}  // namespace gpulet::hostfs
