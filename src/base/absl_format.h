// fmt (and so spdlog) formatters for abseil types.
//
// Debian's abseil is built with its own absl::string_view and
// absl::optional rather than the std ones, so spdlog cannot print
// status.message() directly. Include this header where a log line prints an
// absl::Status (its message, which names the device and the cause) or an
// absl::string_view.
#ifndef GPULET_BASE_ABSL_FORMAT_H_
#define GPULET_BASE_ABSL_FORMAT_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fmt/format.h"

template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(
        std::string_view(s.data(), s.size()), ctx);
  }
};

template <>
struct fmt::formatter<absl::Status> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const absl::Status& status, FormatContext& ctx) const {
    absl::string_view message = status.message();
    return fmt::formatter<std::string_view>::format(
        status.ok() ? std::string_view("OK")
                    : std::string_view(message.data(), message.size()),
        ctx);
  }
};

#endif  // GPULET_BASE_ABSL_FORMAT_H_
