// XidPolicy: which XIDs make a device unhealthy, from NVIDIA's default
// ignore list and the DP_DISABLE_HEALTHCHECKS / DP_ENABLE_HEALTHCHECKS
// variables (the variables are read in config/; this parses their text).
//
//   default ignored ("application") XIDs: 13, 31, 43, 45, 68, 109
//   DP_DISABLE_HEALTHCHECKS=all    no health checks at all
//   DP_DISABLE_HEALTHCHECKS=xids   no XID checks (gpulet still notices a GPU
//                                  that falls off the bus)
//   DP_DISABLE_HEALTHCHECKS=1,2    also ignore XIDs 1 and 2
//   DP_ENABLE_HEALTHCHECKS=13      count XID 13 after all (beats both the
//                                  defaults and DP_DISABLE_HEALTHCHECKS)
//   DP_ENABLE_HEALTHCHECKS=all     every XID counts
//
// Unlike NVIDIA's plugin, DP_DISABLE_HEALTHCHECKS=xids (or =all) with
// DP_ENABLE_HEALTHCHECKS=48 checks XID 48 only, instead of silently
// dropping the enable. Malformed entries are skipped with a warning, as
// NVIDIA skips them, so a variable that works there works here.
//
// A plain value; thread-safe to read.
#ifndef GPULET_HEALTH_XID_POLICY_H_
#define GPULET_HEALTH_XID_POLICY_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gpulet::health {

struct XidPolicyParse;

class XidPolicy {
 public:
  static constexpr uint64_t kDefaultIgnored[] = {13, 31, 43, 45, 68, 109};

  // NVIDIA's defaults: every XID but kDefaultIgnored counts.
  XidPolicy();

  // Whether any health check runs (false only for DP_DISABLE_HEALTHCHECKS
  // =all without enables).
  bool enabled() const { return enabled_; }
  // Whether XID events are watched at all.
  bool xids_enabled() const;
  // Whether `xid` makes a device unhealthy.
  bool IsCritical(uint64_t xid) const;

  // "ignoring all XIDs except 48", "ignoring XIDs 13,31,43,45,68,109".
  std::string ToString() const;

 private:
  friend XidPolicyParse ParseXidPolicy(std::optional<std::string_view>,
                                       std::optional<std::string_view>);

  bool enabled_ = true;
  bool ignore_all_ = false;       // every XID ignored unless in enabled_xids_
  bool count_all_ = false;        // DP_ENABLE_HEALTHCHECKS=all
  std::set<uint64_t> ignored_;    // ignored unless count_all_ or enabled
  std::set<uint64_t> enabled_xids_;
};

struct XidPolicyParse {
  XidPolicy policy;
  // One line per malformed entry, naming the variable and the entry.
  std::vector<std::string> warnings;
};

// `disable` and `enable` are the variables' values; nullopt when unset.
// Entries are separated by commas; blanks around them are ignored; "all"
// and "xids" are case-insensitive.
XidPolicyParse ParseXidPolicy(std::optional<std::string_view> disable,
                              std::optional<std::string_view> enable);

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_XID_POLICY_H_
