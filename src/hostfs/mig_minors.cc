#include "hostfs/mig_minors.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"
#include "hostfs/decimal.h"

namespace gpulet::hostfs {
namespace {

// Capability nodes are character devices: minors are 20-bit.
constexpr uint32_t kMaxMinor = (1u << 20) - 1;

// Parses "<prefix><decimal>", e.g. "gpu3" with prefix "gpu".
std::optional<int> ParseTagged(absl::string_view text, absl::string_view prefix) {
  if (!absl::ConsumePrefix(&text, prefix)) return std::nullopt;
  std::optional<uint32_t> value = ParseDecimal(AsStd(text), kMaxMinor);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

// Parses "gpu<G>/gi<I>/access" or "gpu<G>/gi<I>/ci<C>/access".
std::optional<MigCapId> ParseCapName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if ((parts.size() != 3 && parts.size() != 4) || parts.back() != "access") {
    return std::nullopt;
  }
  std::optional<int> gpu = ParseTagged(parts[0], "gpu");
  std::optional<int> gi = ParseTagged(parts[1], "gi");
  if (!gpu || !gi) return std::nullopt;
  MigCapId id{*gpu, *gi, std::nullopt};
  if (parts.size() == 4) {
    id.ci = ParseTagged(parts[2], "ci");
    if (!id.ci) return std::nullopt;
  }
  return id;
}

absl::Status LineError(size_t line_number, absl::string_view line,
                       absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      "mig-minors line ", line_number, ": ", problem, ": \"", line, "\""));
}

}  // namespace

std::string MigCapId::ToString() const {
  if (ci.has_value()) {
    return absl::StrCat("gpu", gpu_minor, "/gi", gi, "/ci", *ci, "/access");
  }
  return absl::StrCat("gpu", gpu_minor, "/gi", gi, "/access");
}

std::optional<int> MigMinors::Find(const MigCapId& id) const {
  auto it = instance_caps_.find(id);
  if (it == instance_caps_.end()) return std::nullopt;
  return it->second;
}

std::optional<int> MigMinors::FindNamed(std::string_view name) const {
  auto it = named_caps_.find(name);
  if (it == named_caps_.end()) return std::nullopt;
  return it->second;
}

std::string MigMinors::DeviceNodeName(int cap_minor) {
  return absl::StrCat("nvidia-caps/nvidia-cap", cap_minor);
}

absl::StatusOr<MigMinors> ParseMigMinors(std::string_view text) {
  MigMinors minors;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(AsAbsl(text), '\n')) {
    ++line_number;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      return LineError(line_number, line, "expected \"<name> <minor>\"");
    }
    std::optional<uint32_t> minor = ParseDecimal(AsStd(fields[1]), kMaxMinor);
    if (!minor) {
      return LineError(line_number, line,
                       absl::StrCat("minor \"", fields[1],
                                    "\" is not a number from 0 to ", kMaxMinor));
    }
    bool inserted;
    if (absl::StrContains(fields[0], '/')) {
      std::optional<MigCapId> id = ParseCapName(fields[0]);
      if (!id) {
        return LineError(line_number, line,
                         absl::StrCat("name \"", fields[0],
                                      "\" is not gpu<N>/gi<N>[/ci<N>]/access"));
      }
      inserted = minors.instance_caps_.emplace(*id, *minor).second;
    } else {
      inserted = minors.named_caps_.emplace(std::string(fields[0]), *minor).second;
    }
    if (!inserted) {
      return LineError(line_number, line,
                       absl::StrCat("\"", fields[0], "\" is listed twice"));
    }
  }
  if (minors.instance_caps_.empty() && minors.named_caps_.empty()) {
    return absl::InvalidArgumentError("mig-minors has no entry");
  }
  return minors;
}

}  // namespace gpulet::hostfs
