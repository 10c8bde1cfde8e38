// HandoffBackend: a resource's backend when the scheduler hand-off is on.
// It serves the extender's decisions (gpulet.io/decision) and otherwise
// behaves exactly as the backend it wraps.
//
//   GetPreferredAllocation  when a pending decision's next container asks
//                           for `size` GPUs that are all available here,
//                           the devices of those GPUs (a replica of each
//                           for shared resources), so the kubelet picks
//                           them; else the wrapped backend's answer.
//   Allocate                claims the oldest matching grant from the
//                           GrantLedger (one owner: never twice), answers
//                           with the wrapped backend's response for the
//                           decided GPUs, plus for shares
//                           CUDA_MPS_ACTIVE_THREAD_PERCENTAGE,
//                           CUDA_MPS_PINNED_DEVICE_MEM_LIMIT,
//                           GPULET_GPU_MILLI and GPULET_GPU_MEMORY_MIB, and
//                           reports the served container (the pod patch is
//                           queued, never awaited). Without a match, after
//                           one bounded refresh of the pending pods, it
//                           falls back to the normal allocation and logs
//                           it, so a slow API server never fails a pod.
//
// Immutable; thread-safe (the ledger and the callbacks are).
#ifndef GPULET_PLUGIN_HANDOFF_BACKEND_H_
#define GPULET_PLUGIN_HANDOFF_BACKEND_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin/grant_ledger.h"
#include "plugin/resource_backend.h"

namespace gpulet::plugin {

// What the backends of one node share.
struct HandoffContext {
  std::shared_ptr<GrantLedger> ledger;
  // Called after a container got its decided GPUs (queues the pod patch).
  std::function<void(const GrantClaim&)> served;
  // Re-reads the pending pods into the ledger, bounded in time; called
  // once before falling back. May be null.
  std::function<void()> refresh;
};

// The share environment of a grant; empty for whole GPUs.
std::map<std::string, std::string> ShareEnvs(const handoff::ContainerGrant& grant);

class HandoffBackend final : public ResourceBackend {
 public:
  // `device_ids` are the resource's kubelet IDs ("GPU-…" or "GPU-…::n").
  HandoffBackend(std::string resource, std::shared_ptr<const ResourceBackend> inner,
                 const std::vector<std::string>& device_ids, HandoffContext context);

  // ResourceBackend
  absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& device_ids) const override;
  absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available, const std::vector<std::string>& must_include,
      int size) const override;

 private:
  // One device ID per granted GPU, taken from `candidates` first, then
  // from the resource's own IDs when `any_device`; empty when a GPU has
  // none.
  std::vector<std::string> IdsFor(const handoff::ContainerGrant& grant,
                                  const std::vector<std::string>& candidates,
                                  bool any_device) const;
  std::optional<GrantClaim> ClaimFor(size_t count) const;

  const std::string resource_;
  const std::shared_ptr<const ResourceBackend> inner_;
  const HandoffContext context_;
  // GPU UUID -> this resource's device IDs of that GPU, in order.
  std::map<std::string, std::vector<std::string>, std::less<>> by_gpu_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_HANDOFF_BACKEND_H_
