// QueueSpec: a queue's share of the cluster — a Volcano Queue
// (scheduling.volcano.sh/v1beta1, cluster scoped) or an entry of the
// --queues file for clusters without that CRD:
//
//   queues:
//   - name: research
//     weight: 3
//     capability: {nvidia.com/gpu: "16"}
//     guarantee: {nvidia.com/gpu: "4"}
//     reclaimable: true
//     state: Open
//
// A small value type and stateless parsers; thread-compatible.
#ifndef GPULET_GANG_QUEUE_SPEC_H_
#define GPULET_GANG_QUEUE_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "gang/resource_amounts.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

struct QueueSpec {
  std::string name;
  int64_t weight = 1;
  ResourceLimits capability;  // unset resources are not capped
  ResourceLimits guarantee;
  bool reclaimable = true;    // read; gpulet does not preempt
  bool open = true;           // a Closed queue admits no new group
};

// Reads a Volcano Queue: metadata.name, spec.weight (default 1),
// spec.capability, spec.guarantee.resource, spec.reclaimable, and
// status.state (else spec.state; "Open" when unset). InvalidArgument,
// naming the field, when one is malformed.
absl::StatusOr<QueueSpec> ParseVolcanoQueue(const nlohmann::json& object);

// Reads the --queues file. InvalidArgument, naming the entry and field, for
// YAML that does not parse, an unknown key, a missing or repeated name, a
// weight that is not a whole number from 1 to 1000000, a malformed resource
// list or a state other than Open or Closed.
absl::StatusOr<std::vector<QueueSpec>> ParseQueueFile(std::string_view text);

}  // namespace gpulet::gang

#endif  // GPULET_GANG_QUEUE_SPEC_H_
