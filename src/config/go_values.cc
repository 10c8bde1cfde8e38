#include "config/go_values.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace gpulet {

absl::StatusOr<bool> ParseGoBool(std::string_view text) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == f) return false;
  }
  return absl::InvalidArgumentError("expected true or false, got \"" + std::string(text) + "\"");
}

std::vector<std::string> SplitSliceItems(std::string_view text, std::string_view separators) {
  std::vector<std::string> items;
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(text.data(), text.size()),
                      absl::ByAnyChar(absl::string_view(separators.data(), separators.size())))) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

}  // namespace gpulet
