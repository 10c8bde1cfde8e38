#include "checkpoint/cgroup_identity.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/absl_string_view.h"

namespace gpulet::checkpoint {
namespace {

constexpr size_t kContainerIdLength = 64;

bool IsLowerHex(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// The id inside one path component, or "".
std::string ContainerIdOfComponent(absl::string_view component) {
  if (IsContainerId(AsStd(component))) return std::string(component);
  // systemd drivers name a scope "<runtime>-<id>.scope"; CRI-O under the
  // cgroupfs driver names the directory "crio-<id>" alone.
  bool scope = absl::ConsumeSuffix(&component, ".scope");
  // CRI-O's monitor runs beside the container in a cgroup of its own; its
  // PIDs must not be taken for the container's.
  if (absl::StartsWith(component, "crio-conmon-")) return "";
  std::vector<absl::string_view> prefixes = {"crio-"};
  if (scope) prefixes = {"cri-containerd-", "crio-", "docker-", "libpod-"};
  for (absl::string_view prefix : prefixes) {
    absl::string_view id = component;
    if (absl::ConsumePrefix(&id, prefix) && IsContainerId(AsStd(id))) return std::string(id);
  }
  return "";
}

// A UUID as the kubelet writes it: 8-4-4-4-12 hex digits.
bool IsUuid(absl::string_view text) {
  std::vector<absl::string_view> groups = absl::StrSplit(text, '-');
  const size_t lengths[] = {8, 4, 4, 4, 12};
  if (groups.size() != 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (groups[i].size() != lengths[i]) return false;
    for (char c : groups[i]) {
      if (!absl::ascii_isxdigit(c)) return false;
    }
  }
  return true;
}

std::string PodUidOfComponent(absl::string_view component) {
  // systemd: "kubepods-besteffort-pod<uid_>.slice"; cgroupfs: "pod<uid>".
  if (absl::ConsumeSuffix(&component, ".slice")) {
    size_t at = component.rfind("-pod");
    if (at == absl::string_view::npos) return "";
    component.remove_prefix(at + 1);
  }
  if (!absl::ConsumePrefix(&component, "pod")) return "";
  std::string uid(component);
  for (char& c : uid) {
    if (c == '_') c = '-';
  }
  return IsUuid(uid) ? absl::AsciiStrToLower(uid) : "";
}

}  // namespace

bool IsContainerId(std::string_view text) {
  return text.size() == kContainerIdLength && IsLowerHex(AsAbsl(text));
}

std::string ContainerIdFromCgroupPath(std::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(AsAbsl(path), '/', absl::SkipEmpty());
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (std::string id = ContainerIdOfComponent(*it); !id.empty()) return id;
  }
  return "";
}

std::string PodUidFromCgroupPath(std::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(AsAbsl(path), '/', absl::SkipEmpty());
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (std::string uid = PodUidOfComponent(*it); !uid.empty()) return uid;
  }
  return "";
}

absl::StatusOr<CgroupIdentity> ParseCgroupIdentity(std::string_view text) {
  CgroupIdentity identity;
  int number = 0;
  bool any = false;
  for (absl::string_view line : absl::StrSplit(AsAbsl(text), '\n')) {
    ++number;
    if (line.empty()) continue;
    any = true;
    // The path may itself hold ':' (cgroup names are free text), so split
    // into three at most.
    std::vector<absl::string_view> fields = absl::StrSplit(line, absl::MaxSplits(':', 2));
    unsigned hierarchy = 0;
    if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &hierarchy) ||
        !absl::StartsWith(fields[2], "/")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cgroup line ", number, " \"", line,
          "\": expected <hierarchy id>:<controllers>:</absolute path>"));
    }
    if (identity.container_id.empty()) {
      identity.container_id = ContainerIdFromCgroupPath(AsStd(fields[2]));
    }
    if (identity.pod_uid.empty()) identity.pod_uid = PodUidFromCgroupPath(AsStd(fields[2]));
  }
  if (!any) return absl::InvalidArgumentError("cgroup file is empty");
  return identity;
}

absl::StatusOr<std::string> NormalizeContainerRef(std::string_view text) {
  absl::string_view id = AsAbsl(text);
  if (size_t scheme = id.find("://"); scheme != absl::string_view::npos) {
    id.remove_prefix(scheme + 3);
  }
  if (id.size() > kContainerIdLength || !IsLowerHex(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("container \"", AsAbsl(text),
                     "\": expected a CRI container id (up to 64 lowercase hex digits)"));
  }
  return std::string(id);
}

}  // namespace gpulet::checkpoint
