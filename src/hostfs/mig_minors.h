// MigMinors: the device minors of NVIDIA's MIG capability nodes, parsed from
// /proc/driver/nvidia-caps/mig-minors.
//
// The driver does not create /dev/nvidia-caps/nvidia-cap<N> for a MIG
// instance with a predictable N; the file maps each capability
// ("gpu0/gi1/access", "gpu0/gi1/ci0/access", "config", "monitor") to the
// minor N. A container using MIG device (GPU minor g, GPU instance i, compute
// instance c) needs the nodes of "gpu<g>/gi<i>/access" and
// "gpu<g>/gi<i>/ci<c>/access".
//
// A value type, immutable after parsing; thread-safe.
#ifndef GPULET_HOSTFS_MIG_MINORS_H_
#define GPULET_HOSTFS_MIG_MINORS_H_

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::hostfs {

// A MIG capability: a GPU instance (ci unset) or a compute instance of one.
struct MigCapId {
  int gpu_minor = 0;  // the GPU's /dev/nvidia<minor>, not its NVML index
  int gi = 0;
  std::optional<int> ci;

  // "gpu0/gi1/access" or "gpu0/gi1/ci0/access", as in mig-minors.
  std::string ToString() const;

  friend auto operator<=>(const MigCapId&, const MigCapId&) = default;
  friend bool operator==(const MigCapId&, const MigCapId&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const MigCapId& id) {
    return H::combine(std::move(h), id.gpu_minor, id.gi, id.ci);
  }
};

class MigMinors {
 public:
  MigMinors() = default;

  // The capability minor of `id`; nullopt when the file does not list it.
  std::optional<int> Find(const MigCapId& id) const;
  // The minor of a capability without a GPU ("config", "monitor", and any
  // others newer drivers add); nullopt when not listed.
  std::optional<int> FindNamed(std::string_view name) const;

  const std::map<MigCapId, int>& instance_caps() const {
    return instance_caps_;
  }
  const std::map<std::string, int, std::less<>>& named_caps() const {
    return named_caps_;
  }

  // Device node of capability minor `cap_minor` relative to "/dev":
  // "nvidia-caps/nvidia-cap12".
  static std::string DeviceNodeName(int cap_minor);

 private:
  friend absl::StatusOr<MigMinors> ParseMigMinors(std::string_view text);

  std::map<MigCapId, int> instance_caps_;
  std::map<std::string, int, std::less<>> named_caps_;
};

// Parses mig-minors text: lines "<name> <minor>" where name is
// "gpu<G>/gi<I>/access", "gpu<G>/gi<I>/ci<C>/access" or a word without '/'.
// InvalidArgument naming the 1-based line and quoting it for a missing or
// extra field, a malformed name, a number that is not decimal or exceeds the
// kernel's 20-bit minor range, or a repeated name; also for input with no
// line at all (the driver always lists "config" and "monitor").
absl::StatusOr<MigMinors> ParseMigMinors(std::string_view text);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_MIG_MINORS_H_
