// ResourceOptions: what BuildResourceSets() needs from the configuration —
// the MIG strategy and the sharing section of NVIDIA's config file v1.
//
// A narrow mirror of the config model: config/ parses and merges the file,
// flags and env; the caller copies these few values across, so resources/
// does not depend on the whole Config. Plain values; thread-compatible.
#ifndef GPULET_RESOURCES_RESOURCE_OPTIONS_H_
#define GPULET_RESOURCES_RESOURCE_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::resources {

enum class MigStrategy { kNone, kSingle, kMixed };

// "none", "single", "mixed"; InvalidArgument naming migStrategy and quoting
// the value otherwise.
absl::StatusOr<MigStrategy> ParseMigStrategy(std::string_view text);
std::string_view MigStrategyName(MigStrategy strategy);

enum class SharingStrategy { kNone, kTimeSlicing, kMps };
// "none", "time-slicing", "mps" (the GFD label values).
std::string_view SharingStrategyName(SharingStrategy strategy);

// Which devices of a resource a sharing entry replicates: the `devices`
// field of the config ("all", a count, or a list of GPU indices, "gpu:mig"
// indices and UUIDs).
struct DeviceSelector {
  enum class Kind { kAll, kCount, kList };
  Kind kind = Kind::kAll;
  int count = 0;                    // kCount: the first `count` devices
  std::vector<std::string> ids;     // kList
};

// One entry of sharing.timeSlicing.resources / sharing.mps.resources.
struct ReplicatedResource {
  std::string name;    // as written: "gpu", "nvidia.com/mig-1g.10gb"
  std::string rename;  // parsed; ignored as NVIDIA does (see resource_set.h)
  DeviceSelector devices;
  int replicas = 0;    // must be >= 2
};

struct SharingOptions {
  SharingStrategy strategy = SharingStrategy::kNone;
  bool rename_by_default = false;
  // nullopt: NVIDIA's default — false for time-slicing, true for MPS.
  std::optional<bool> fail_requests_greater_than_one;
  std::vector<ReplicatedResource> resources;
};

struct ResourceOptions {
  MigStrategy mig_strategy = MigStrategy::kNone;
  SharingOptions sharing;
};

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_RESOURCE_OPTIONS_H_
