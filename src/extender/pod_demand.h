// PodDemand: what one v1.Pod asks of the GPU ledger — CPU, memory and GPUs
// (whole or a share of each) — and the translation between a ledger
// placement and the pod's hand-off decision (handoff/pod_decision.h).
//
// How a pod's containers combine into one ledger request (the ledger places
// one uniform request per pod):
//   * every GPU container asks whole GPUs: the pod takes their sum, and the
//     chosen GPUs are dealt to the containers in spec order;
//   * containers asking a share each ask one GPU: they share one GPU, with
//     the sum of their milli and memory (at most one GPU's worth);
//   * a single container may ask a share of N GPUs (N x milli);
//   * any other mix (whole and shared, or shares of several GPUs in more
//     than one container) is refused with Unimplemented.
// gpulet.io/gpu-memory becomes milli of the node's GPU, rounded up
// (ceil(memory * 1000 / GPU memory)); the larger of that and gpu-milli is
// what the ledger counts, so one counter covers both.
//
// Plain values and pure functions; thread-safe.
#ifndef GPULET_EXTENDER_POD_DEMAND_H_
#define GPULET_EXTENDER_POD_DEMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gang/resource_amounts.h"
#include "handoff/node_gpus.h"
#include "handoff/pod_decision.h"
#include "handoff/pod_gpu_request.h"
#include "nlohmann/json.hpp"
#include "sched/node_state.h"
#include "sched/pod_request.h"

namespace gpulet::extender {

struct PodDemand {
  std::string uid;
  std::string name;
  std::string namespace_name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  std::vector<handoff::ContainerGpuRequest> containers;  // GPU ones only
  int gpu_count = 0;           // GPUs taken on the node
  int milli = 0;               // per GPU, from gpu-milli (1000 when whole)
  int64_t gpu_memory_mib = 0;  // per GPU, 0 = none asked

  bool uses_gpu() const { return gpu_count > 0; }

  // The ledger request on a node whose GPUs have `node_gpu_memory_mib`
  // each; nullopt when the asked memory cannot fit one such GPU.
  std::optional<sched::PodRequest> RequestFor(int64_t node_gpu_memory_mib) const;
};

// What the pod counts against its queue: milli-GPU over all its GPUs
// (1000 per whole GPU), CPU and memory.
gang::ResourceAmounts AmountsOf(const PodDemand& demand);

// Reads metadata (uid, name, namespace), the containers' CPU and memory
// requests (falling back to limits) and their GPU requests. InvalidArgument
// naming the field for a malformed pod; Unimplemented for a GPU mix the
// rules above refuse.
absl::StatusOr<PodDemand> ParsePodDemand(const nlohmann::json& pod);

// The decision for `demand` placed on `node` at GPU slots `gpus` (slot i is
// gpus_by_slot[i], the node's GPUs sorted by index). Aborted when the slots
// and the GPU list disagree: the node's GPUs changed between the placement
// and the read of its list, and the caller must give the placement back.
absl::StatusOr<handoff::PodDecision> MakeDecision(
    const PodDemand& demand, const std::string& node,
    const std::vector<handoff::NodeGpu>& gpus_by_slot, sched::GpuMask gpus,
    int64_t time_unix);

// What a decision found on a bound pod holds: its GPU slots and the ledger
// request (GPU count = distinct GPUs, milli = the largest per-GPU sum).
// NotFound naming a GPU UUID the node does not have.
struct HeldGrant {
  sched::PodRequest request;
  sched::GpuMask gpus = 0;
};
absl::StatusOr<HeldGrant> GrantFromDecision(
    const handoff::PodDecision& decision,
    const std::vector<handoff::NodeGpu>& gpus_by_slot, int64_t cpu_milli,
    int64_t memory_mib);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_POD_DEMAND_H_
