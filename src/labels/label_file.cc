#include "labels/label_file.h"

#include <time.h>

#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "base/absl_string_view.h"
#include "labels/label_syntax.h"

namespace gpulet::labels {
namespace {

constexpr std::string_view kExpiryDirective = "# +expiry-time=";

// nfd-master refuses these namespaces except its own feature/profile ones.
bool IsDeniedNamespace(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view ns = key.substr(0, slash);
  auto under = [&](std::string_view domain) {
    return ns == domain || (ns.size() > domain.size() &&
                            ns.substr(ns.size() - domain.size()) == domain &&
                            ns[ns.size() - domain.size() - 1] == '.');
  };
  if (under("feature.node.kubernetes.io") || under("profile.node.kubernetes.io")) {
    return false;
  }
  return under("kubernetes.io");
}

absl::Status LineError(size_t line, std::string_view what) {
  return absl::InvalidArgumentError("line " + std::to_string(line) + ": " +
                                    std::string(what));
}

absl::Status ParseDirective(std::string_view line, size_t number,
                            LabelFileContents& out) {
  if (line.substr(0, kExpiryDirective.size()) != kExpiryDirective) {
    return LineError(number, "unknown directive \"" + std::string(line) + "\"");
  }
  std::string_view value =
      AsStd(absl::StripAsciiWhitespace(AsAbsl(line.substr(kExpiryDirective.size()))));
  absl::StatusOr<WallTime> expiry = ParseRfc3339(value);
  if (!expiry.ok()) return LineError(number, AsStd(expiry.status().message()));
  out.expiry = *expiry;
  return absl::OkStatus();
}

}  // namespace

std::string FormatRfc3339(WallTime time) {
  time_t seconds = std::chrono::system_clock::to_time_t(time);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buffer[32];
  strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

absl::StatusOr<WallTime> ParseRfc3339(std::string_view text) {
  struct tm utc = {};
  std::string copy(text);
  const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  if (end == nullptr || *end != '\0') {
    return absl::InvalidArgumentError("invalid RFC 3339 time \"" + copy + "\"");
  }
  // system_clock counts nanoseconds in 64 bits, so a time after 2262
  // (a typo in a hand-edited file) would overflow it.
  constexpr int64_t kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max())
          .count();
  const int64_t seconds = timegm(&utc);
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds) {
    return absl::InvalidArgumentError("RFC 3339 time \"" + copy + "\" is out of range");
  }
  return std::chrono::system_clock::from_time_t(seconds);
}

std::string RenderLabelFile(const LabelMap& labels, std::optional<WallTime> expiry) {
  std::string text;
  if (expiry.has_value()) {
    text += std::string(kExpiryDirective) + FormatRfc3339(*expiry) + "\n";
  }
  for (const auto& [key, value] : labels) text += key + "=" + value + "\n";
  return text;
}

absl::StatusOr<LabelFileContents> ParseLabelFile(std::string_view text) {
  if (text.size() > kMaxLabelFileSize) {
    return absl::FailedPreconditionError(
        "label file of " + std::to_string(text.size()) +
        " bytes is over nfd-worker's limit of 65536");
  }
  LabelFileContents out;
  size_t number = 0;
  absl::string_view rest(text.data(), text.size());
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    absl::string_view raw = rest.substr(0, newline);
    rest = newline == absl::string_view::npos ? "" : rest.substr(newline + 1);
    ++number;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty()) continue;
    if (line.substr(0, 3) == "# +") {
      absl::Status status = ParseDirective({line.data(), line.size()}, number, out);
      if (!status.ok()) return status;
      continue;
    }
    if (line.front() == '#') continue;
    size_t eq = line.find('=');
    std::string key(line.substr(0, eq));
    std::string value = eq == absl::string_view::npos ? "true"
                                                      : std::string(line.substr(eq + 1));
    if (!IsValidLabelKey(key)) return LineError(number, "invalid key \"" + key + "\"");
    if (IsDeniedNamespace(key)) {
      return LineError(number, "key \"" + key + "\" is in a denied namespace");
    }
    if (!IsValidLabelValue(value)) {
      return LineError(number, "invalid value \"" + value + "\" of \"" + key + "\"");
    }
    if (!out.labels.emplace(key, value).second) {
      return LineError(number, "duplicate key \"" + key + "\"");
    }
  }
  return out;
}

}  // namespace gpulet::labels
