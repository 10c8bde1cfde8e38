// How NVIDIA's Go tools read a flag's or an environment variable's text:
// strconv.ParseBool's spellings of a boolean and urfave/cli's string-slice
// items. Every gpulet command that takes NVIDIA's flags reads them through
// these, so "T", "0" or "a, b,," mean the same everywhere.
//
// Pure functions; thread-safe.
#ifndef GPULET_CONFIG_GO_VALUES_H_
#define GPULET_CONFIG_GO_VALUES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet {

// 1 t T TRUE true True / 0 f F FALSE false False; InvalidArgument
// ("expected true or false, got \"...\"") for anything else.
absl::StatusOr<bool> ParseGoBool(std::string_view text);

// The items of `text` split at any character of `separators`, with blanks
// around each trimmed; empty items (",,", a trailing separator, an empty
// value) are dropped rather than passed on.
std::vector<std::string> SplitSliceItems(std::string_view text, std::string_view separators);

}  // namespace gpulet

#endif  // GPULET_CONFIG_GO_VALUES_H_
