// Conversions between std::string_view and absl::string_view.
//
// Debian's abseil is built with its own absl::string_view
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which neither converts to nor from
// std::string_view. gpulet APIs take std::string_view; these bridge to
// absl::StrCat/StrSplit inside the .cc files. With an abseil that aliases
// std::string_view both become no-ops.
#ifndef GPULET_BASE_ABSL_STRING_VIEW_H_
#define GPULET_BASE_ABSL_STRING_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace gpulet {

inline absl::string_view AsAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view AsStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace gpulet

#endif  // GPULET_BASE_ABSL_STRING_VIEW_H_
