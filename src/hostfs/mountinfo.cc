#include "hostfs/mountinfo.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"
#include "hostfs/decimal.h"

namespace gpulet::hostfs {
namespace {

constexpr uint32_t kMaxId = std::numeric_limits<int>::max();
// Linux device numbers: 12-bit major, 20-bit minor.
constexpr uint32_t kMaxMajor = (1u << 12) - 1;
constexpr uint32_t kMaxMinor = (1u << 20) - 1;

// The kernel escapes space, tab, newline and backslash in paths as "\ooo".
std::optional<std::string> DecodeOctalEscapes(absl::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out.push_back(field[i]);
      continue;
    }
    if (i + 3 >= field.size()) return std::nullopt;
    int value = 0;
    for (size_t j = i + 1; j <= i + 3; ++j) {
      if (field[j] < '0' || field[j] > '7') return std::nullopt;
      value = value * 8 + (field[j] - '0');
    }
    if (value > 0xff) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 3;
  }
  return out;
}

absl::Status LineError(size_t line_number, absl::string_view line,
                       absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      "mountinfo line ", line_number, ": ", problem, ": \"", line, "\""));
}

absl::StatusOr<MountInfoEntry> ParseLine(size_t line_number,
                                         absl::string_view line) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  auto separator = std::find(fields.begin(), fields.end(), "-");
  if (separator == fields.end()) {
    return LineError(line_number, line, "no \"-\" separator field");
  }
  size_t before = separator - fields.begin();
  size_t after = fields.end() - separator - 1;
  if (before < 6) return LineError(line_number, line, "fewer than 6 fields before \"-\"");
  if (after != 3) return LineError(line_number, line, "expected 3 fields after \"-\"");

  MountInfoEntry entry;
  std::optional<uint32_t> mount_id = ParseDecimal(AsStd(fields[0]), kMaxId);
  std::optional<uint32_t> parent_id = ParseDecimal(AsStd(fields[1]), kMaxId);
  if (!mount_id || !parent_id) {
    return LineError(line_number, line, "mount id or parent id is not a number in range");
  }
  entry.mount_id = static_cast<int>(*mount_id);
  entry.parent_id = static_cast<int>(*parent_id);

  std::vector<absl::string_view> dev = absl::StrSplit(fields[2], ':');
  std::optional<uint32_t> major =
      dev.size() == 2 ? ParseDecimal(AsStd(dev[0]), kMaxMajor) : std::nullopt;
  std::optional<uint32_t> minor =
      dev.size() == 2 ? ParseDecimal(AsStd(dev[1]), kMaxMinor) : std::nullopt;
  if (!major || !minor) {
    return LineError(line_number, line,
                     absl::StrCat("bad major:minor \"", fields[2], "\""));
  }
  entry.major = *major;
  entry.minor = *minor;

  std::optional<std::string> root = DecodeOctalEscapes(fields[3]);
  std::optional<std::string> mount_point = DecodeOctalEscapes(fields[4]);
  std::optional<std::string> source = DecodeOctalEscapes(separator[2]);
  if (!root || !mount_point || !source) {
    return LineError(line_number, line, "bad octal escape");
  }
  if (mount_point->empty() || mount_point->front() != '/') {
    return LineError(line_number, line, "mount point is not absolute");
  }
  entry.root = *std::move(root);
  entry.mount_point = *std::move(mount_point);
  entry.mount_options = std::string(fields[5]);
  for (size_t i = 6; i < before; ++i) entry.optional_fields.emplace_back(fields[i]);
  entry.fs_type = std::string(separator[1]);
  entry.source = *std::move(source);
  entry.super_options = std::string(separator[3]);
  return entry;
}

}  // namespace

absl::StatusOr<std::vector<MountInfoEntry>> ParseMountInfo(
    std::string_view text) {
  std::vector<MountInfoEntry> entries;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(AsAbsl(text), '\n')) {
    ++line_number;
    if (line.find_first_not_of(" \t") == absl::string_view::npos) continue;
    absl::StatusOr<MountInfoEntry> entry = ParseLine(line_number, line);
    if (!entry.ok()) return entry.status();
    entries.push_back(*std::move(entry));
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError("mountinfo has no mount entry");
  }
  return entries;
}

std::vector<std::string> FindDevMountPoints(
    const std::vector<MountInfoEntry>& entries) {
  std::vector<std::string> mount_points;
  for (const MountInfoEntry& entry : entries) {
    if (entry.fs_type != "tmpfs" && entry.fs_type != "devtmpfs") continue;
    absl::string_view point = entry.mount_point;
    while (point.size() > 1 && point.back() == '/') point.remove_suffix(1);
    if (point == "/dev" || !absl::EndsWith(point, "/dev")) continue;
    if (std::find(mount_points.begin(), mount_points.end(), point) ==
        mount_points.end()) {
      mount_points.emplace_back(point);
    }
  }
  return mount_points;
}

}  // namespace gpulet::hostfs
