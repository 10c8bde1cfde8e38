#include "health/xid_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"

namespace gpulet::health {
namespace {

struct Entries {
  bool all = false;   // "all"
  bool xids = false;  // "xids"
  std::set<uint64_t> numbers;
};

Entries ParseEntries(std::string_view variable, std::string_view value,
                     std::vector<std::string>& warnings) {
  Entries out;
  for (absl::string_view entry : absl::StrSplit(AsAbsl(value), ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    std::string lower = absl::AsciiStrToLower(entry);
    uint64_t xid = 0;
    if (lower == "all") {
      out.all = true;
    } else if (lower == "xids") {
      out.xids = true;
    } else if (absl::SimpleAtoi(entry, &xid)) {
      out.numbers.insert(xid);
    } else {
      warnings.push_back(absl::StrCat(AsAbsl(variable), ": ignoring \"", entry,
                                      "\", which is not an XID number"));
    }
  }
  return out;
}

}  // namespace

XidPolicy::XidPolicy()
    : ignored_(std::begin(kDefaultIgnored), std::end(kDefaultIgnored)) {}

bool XidPolicy::xids_enabled() const {
  return enabled_ && (!ignore_all_ || count_all_ || !enabled_xids_.empty());
}

bool XidPolicy::IsCritical(uint64_t xid) const {
  if (!xids_enabled()) return false;
  if (count_all_ || enabled_xids_.contains(xid)) return true;
  return !ignore_all_ && !ignored_.contains(xid);
}

std::string XidPolicy::ToString() const {
  if (!enabled_) return "health checks disabled";
  if (count_all_) return "every XID is critical";
  if (ignore_all_) {
    if (enabled_xids_.empty()) return "XIDs ignored";
    return absl::StrCat("ignoring all XIDs except ", absl::StrJoin(enabled_xids_, ","));
  }
  std::set<uint64_t> ignored;
  for (uint64_t xid : ignored_) {
    if (!enabled_xids_.contains(xid)) ignored.insert(xid);
  }
  return absl::StrCat("ignoring XIDs ", absl::StrJoin(ignored, ","));
}

XidPolicyParse ParseXidPolicy(std::optional<std::string_view> disable,
                              std::optional<std::string_view> enable) {
  XidPolicyParse out;
  XidPolicy& policy = out.policy;
  Entries off = ParseEntries("DP_DISABLE_HEALTHCHECKS", disable.value_or(""),
                             out.warnings);
  Entries on = ParseEntries("DP_ENABLE_HEALTHCHECKS", enable.value_or(""),
                            out.warnings);
  policy.ignored_.insert(off.numbers.begin(), off.numbers.end());
  policy.ignore_all_ = off.all || off.xids;
  policy.count_all_ = on.all;
  policy.enabled_xids_ = std::move(on.numbers);
  // "all" switches every check off, unless some XID is enabled explicitly:
  // then only those are watched (NVIDIA drops the enable silently).
  policy.enabled_ = !off.all || policy.count_all_ || !policy.enabled_xids_.empty();
  return out;
}

}  // namespace gpulet::health
