// Strict parsing of the unsigned decimal numbers in procfs and sysfs files.
//
// absl::SimpleAtoi accepts surrounding whitespace, a '+' sign and, for some
// types, wraps silently; a hand-edited or truncated kernel file parsed that
// leniently turns into a wrong device minor instead of an error. Thread-safe.
#ifndef GPULET_HOSTFS_DECIMAL_H_
#define GPULET_HOSTFS_DECIMAL_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace gpulet::hostfs {

// The value of `text` when it is 1 to 10 ASCII digits, no sign, no spaces,
// and the value is at most `max`; nullopt otherwise.
std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_DECIMAL_H_
