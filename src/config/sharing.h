// Sharing: the `sharing` section of NVIDIA's config file v1 (time-slicing
// and MPS replicas), shared by the device plugin (which advertises the
// replicas) and feature discovery (which labels them), so both read one
// model and always agree.
//
// Plain values; thread-safe to read.
#ifndef GPULET_CONFIG_SHARING_H_
#define GPULET_CONFIG_SHARING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/strategies.h"

namespace gpulet {

// Which devices a replicated resource covers: `devices: all`, a count, or a
// list of GPU indices, "gpu:mig" indices or UUIDs. NVIDIA parses all three
// and then forces "all" (FinalizeSharing does the same).
struct ReplicatedDevices {
  bool all = true;
  std::optional<int> count;
  std::vector<std::string> ids;
};

struct ReplicatedResource {
  std::string name;    // fully qualified: "nvidia.com/gpu", "nvidia.com/mig-1g.5gb"
  std::string rename;  // fully qualified, or "" to keep the name
  ReplicatedDevices devices;
  int replicas = 0;    // >= 2
};

struct ReplicatedResources {
  bool rename_by_default = false;
  // Unset means the mode's default: false for time-slicing, true for MPS.
  std::optional<bool> fail_requests_greater_than_one;
  std::vector<ReplicatedResource> resources;
};

struct Sharing {
  ReplicatedResources time_slicing;
  ReplicatedResources mps;

  // MPS when it has resources, else time-slicing when it has, else none:
  // NVIDIA's rule that the two are exclusive and MPS wins.
  SharingStrategy Strategy() const;
  // The section of Strategy(); time_slicing (empty) for none.
  const ReplicatedResources& Active() const;
  // The resource `resource_name` ("nvidia.com/gpu") of the active section,
  // or nullptr when it is not replicated.
  const ReplicatedResource* Find(std::string_view resource_name) const;
};

// NVIDIA's resource name rules: prefixes "nvidia.com/" when there is no
// "/", then requires the prefix "nvidia.com/", a name part that is a DNS
// subdomain-style label ([a-z0-9] ends, [-.a-z0-9] inside, case-insensitive
// as Kubernetes resource names) and at most 63 characters in all.
// InvalidArgument quoting `name` otherwise.
absl::StatusOr<std::string> NormalizeResourceName(std::string_view name);

// Applies what NVIDIA does at every config load
// (DisableResourceNamingInConfig): per-resource `rename` becomes "" or
// "<name>.shared" with renameByDefault, `devices` becomes all. Appends one
// warning per value it overrides, naming the section and resource, and
// resolves fail_requests_greater_than_one to its default.
void FinalizeSharing(Sharing& sharing, std::vector<std::string>* warnings);

}  // namespace gpulet

#endif  // GPULET_CONFIG_SHARING_H_
