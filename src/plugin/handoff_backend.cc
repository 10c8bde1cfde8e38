#include "plugin/handoff_backend.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

// "GPU-…::3" -> "GPU-…".
std::string_view GpuOf(std::string_view device_id) {
  size_t sep = device_id.find("::");
  return sep == std::string_view::npos ? device_id : device_id.substr(0, sep);
}

std::string GpuList(const handoff::ContainerGrant& grant) {
  return absl::StrJoin(grant.gpus, ",", [](std::string* out, const handoff::GpuGrant& gpu) {
    absl::StrAppend(out, gpu.uuid);
  });
}

}  // namespace

std::map<std::string, std::string> ShareEnvs(const handoff::ContainerGrant& grant) {
  std::map<std::string, std::string> envs;
  bool shared = std::any_of(grant.gpus.begin(), grant.gpus.end(),
                            [](const handoff::GpuGrant& gpu) { return !gpu.whole(); });
  if (!shared) return envs;
  int max_milli = 0;
  std::vector<std::string> milli, memory, limits;
  for (size_t i = 0; i < grant.gpus.size(); ++i) {
    const handoff::GpuGrant& gpu = grant.gpus[i];
    max_milli = std::max(max_milli, gpu.milli);
    milli.push_back(std::to_string(gpu.milli));
    memory.push_back(std::to_string(gpu.memory_mib));
    // Ordinals as the container enumerates its GPUs; per-GPU values of one
    // container are equal, so their order does not matter.
    if (gpu.memory_mib > 0) limits.push_back(absl::StrCat(i, "=", gpu.memory_mib, "M"));
  }
  // MPS takes a whole percentage; round up so a share is never zero.
  envs["CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"] = std::to_string((max_milli + 9) / 10);
  envs["GPULET_GPU_MILLI"] = absl::StrJoin(milli, ",");
  envs["GPULET_GPU_MEMORY_MIB"] = absl::StrJoin(memory, ",");
  if (!limits.empty()) envs["CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"] = absl::StrJoin(limits, ",");
  return envs;
}

HandoffBackend::HandoffBackend(std::string resource, std::shared_ptr<const ResourceBackend> inner,
                               const std::vector<std::string>& device_ids,
                               HandoffContext context)
    : resource_(std::move(resource)), inner_(std::move(inner)), context_(std::move(context)) {
  for (const std::string& id : device_ids) by_gpu_[std::string(GpuOf(id))].push_back(id);
}

std::vector<std::string> HandoffBackend::IdsFor(const handoff::ContainerGrant& grant,
                                                const std::vector<std::string>& candidates,
                                                bool any_device) const {
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const handoff::GpuGrant& gpu : grant.gpus) {
    std::optional<std::string> pick;
    for (const std::string& id : candidates) {
      if (GpuOf(id) == gpu.uuid && !used.contains(id)) {
        pick = id;
        break;
      }
    }
    auto own = by_gpu_.find(gpu.uuid);
    if (!pick && any_device && own != by_gpu_.end()) {
      for (const std::string& id : own->second) {
        if (!used.contains(id)) {
          pick = id;
          break;
        }
      }
    }
    if (!pick) return {};
    used.insert(*pick);
    out.push_back(*pick);
  }
  return out;
}

std::optional<GrantClaim> HandoffBackend::ClaimFor(size_t count) const {
  GrantFits fits = [this](const handoff::ContainerGrant& grant) {
    return !IdsFor(grant, {}, /*any_device=*/true).empty();
  };
  std::optional<GrantClaim> claim = context_.ledger->Claim(count, fits);
  if (!claim && context_.refresh) {
    context_.refresh();
    claim = context_.ledger->Claim(count, fits);
  }
  return claim;
}

absl::StatusOr<v1beta1::ContainerAllocateResponse> HandoffBackend::Allocate(
    const std::vector<std::string>& device_ids) const {
  std::optional<GrantClaim> claim = ClaimFor(device_ids.size());
  if (!claim) {
    spdlog::info("{}: no pending scheduler decision for {} GPU(s); allocating {} as the kubelet "
                 "chose", resource_, device_ids.size(), absl::StrJoin(device_ids, ","));
    return inner_->Allocate(device_ids);
  }
  std::vector<std::string> decided = IdsFor(claim->grant, device_ids, /*any_device=*/true);
  absl::StatusOr<v1beta1::ContainerAllocateResponse> response = inner_->Allocate(decided);
  if (!response.ok()) {
    context_.ledger->Release(*claim);
    spdlog::warn("{}: pod {} container {}: decided GPUs {} cannot be allocated ({}); allocating "
                 "{} as the kubelet chose", resource_, claim->Key(), claim->grant.name,
                 GpuList(claim->grant), response.status().message(),
                 absl::StrJoin(device_ids, ","));
    return inner_->Allocate(device_ids);
  }
  for (const auto& [key, value] : ShareEnvs(claim->grant)) (*response->mutable_envs())[key] = value;
  spdlog::info("{}: pod {} container {} ({} of {}) gets {} as the scheduler decided", resource_,
               claim->Key(), claim->grant.name, claim->container + 1, claim->containers,
               GpuList(claim->grant));
  if (context_.served) context_.served(*claim);
  return response;
}

absl::StatusOr<std::vector<std::string>> HandoffBackend::PreferredAllocation(
    const std::vector<std::string>& available, const std::vector<std::string>& must_include,
    int size) const {
  if (size > 0) {
    // must_include first, so a GPU they name keeps the kubelet's replica.
    std::vector<std::string> candidates = must_include;
    candidates.insert(candidates.end(), available.begin(), available.end());
    GrantFits fits = [&](const handoff::ContainerGrant& grant) {
      return !IdsFor(grant, candidates, /*any_device=*/false).empty();
    };
    if (std::optional<handoff::ContainerGrant> grant =
            context_.ledger->Peek(static_cast<size_t>(size), fits)) {
      std::vector<std::string> ids = IdsFor(*grant, candidates, /*any_device=*/false);
      bool includes_all = std::all_of(must_include.begin(), must_include.end(),
                                      [&](const std::string& id) {
                                        return std::find(ids.begin(), ids.end(), id) != ids.end();
                                      });
      if (includes_all) return ids;
    }
  }
  return inner_->PreferredAllocation(available, must_include, size);
}

}  // namespace gpulet::plugin
