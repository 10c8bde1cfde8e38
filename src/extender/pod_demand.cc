#include "extender/pod_demand.h"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/json_fields.h"
#include "base/status_macros.h"
#include "handoff/quantity.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;
constexpr int64_t kMiB = 1024 * 1024;

// A share asked by memory alone (no gpu-milli, which then reads 1000) is
// sized by its memory only.
int AskedMilli(const handoff::ContainerGpuRequest& c) {
  return c.memory_mib > 0 && c.milli == sched::kMilliPerGpu ? 0 : c.milli;
}

// The milli of one GPU with `gpu_memory_mib` that `c` takes; nullopt when
// its memory ask exceeds the GPU.
std::optional<int64_t> ContainerMilli(const handoff::ContainerGpuRequest& c,
                                      int64_t gpu_memory_mib) {
  int64_t milli = AskedMilli(c);
  if (c.memory_mib > 0) {
    if (gpu_memory_mib <= 0 || c.memory_mib > gpu_memory_mib) {
      return std::nullopt;
    }
    milli = std::max<int64_t>(milli, (c.memory_mib * sched::kMilliPerGpu +
                                      gpu_memory_mib - 1) / gpu_memory_mib);
  }
  return milli;
}


std::string MetadataString(const Json& pod, const char* key) {
  auto metadata = pod.find("metadata");
  if (metadata == pod.end() || !metadata->is_object()) return "";
  auto value = metadata->find(key);
  if (value == metadata->end() || !value->is_string()) return "";
  return value->get<std::string>();
}

// The container's `resource` from requests, else limits, else "".
absl::StatusOr<std::optional<handoff::Quantity>> ContainerQuantity(
    const Json& container, const char* resource, const std::string& name) {
  auto resources = container.find("resources");
  if (resources == container.end() || !resources->is_object()) {
    return std::nullopt;
  }
  for (const char* kind : {"requests", "limits"}) {
    auto list = resources->find(kind);
    if (list == resources->end() || !list->is_object()) continue;
    auto value = list->find(resource);
    if (value == list->end()) continue;
    std::string text = value->is_string() ? value->get<std::string>()
                                          : value->dump();
    absl::StatusOr<handoff::Quantity> quantity =
        handoff::Quantity::Parse(text);
    if (!quantity.ok() || quantity->IsNegative()) {
      return absl::InvalidArgumentError(
          absl::StrCat("container \"", name, "\" resources.", kind, ".",
                       resource, ": bad quantity ", text));
    }
    return *quantity;
  }
  return std::nullopt;
}

absl::Status AddCpuAndMemory(const Json& pod, PodDemand& demand) {
  const Json* containers = nullptr;
  if (auto spec = pod.find("spec"); spec != pod.end() && spec->is_object()) {
    if (auto it = spec->find("containers");
        it != spec->end() && it->is_array()) {
      containers = &*it;
    }
  }
  if (containers == nullptr) {
    return absl::InvalidArgumentError("pod has no spec.containers list");
  }
  for (size_t i = 0; i < containers->size(); ++i) {
    const Json& container = (*containers)[i];
    if (!container.is_object()) {
      return absl::InvalidArgumentError("spec.containers[] must be objects");
    }
    // Named as handoff::ParsePodGpuRequests names it in its errors.
    std::string name = StringAt(container, {"name"});
    if (name.empty()) name = absl::StrCat("#", i);
    ASSIGN_OR_RETURN(std::optional<handoff::Quantity> cpu,
                     ContainerQuantity(container, "cpu", name));
    ASSIGN_OR_RETURN(std::optional<handoff::Quantity> memory,
                     ContainerQuantity(container, "memory", name));
    if (cpu) demand.cpu_milli += cpu->MilliValue();
    if (memory) demand.memory_mib += (memory->Value() + kMiB - 1) / kMiB;
  }
  return absl::OkStatus();
}

absl::Status CombineGpus(PodDemand& demand) {
  const auto& containers = demand.containers;
  if (containers.empty()) return absl::OkStatus();
  bool any_shared = std::any_of(containers.begin(), containers.end(),
                                [](const auto& c) { return c.shared(); });
  if (!any_shared) {
    demand.milli = sched::kMilliPerGpu;
    for (const auto& c : containers) demand.gpu_count += c.gpus;
  } else if (containers.size() == 1) {
    demand.gpu_count = containers[0].gpus;
    demand.milli = AskedMilli(containers[0]);
    demand.gpu_memory_mib = containers[0].memory_mib;
  } else {
    for (const auto& c : containers) {
      if (!c.shared() || c.gpus != 1) {
        return absl::UnimplementedError(absl::StrCat(
            "container \"", c.name, "\": a pod whose containers share a GPU "
            "may not also ask whole GPUs or shares of several GPUs"));
      }
      demand.milli += AskedMilli(c);
      demand.gpu_memory_mib += c.memory_mib;
    }
    demand.gpu_count = 1;
    if (demand.milli > sched::kMilliPerGpu) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the containers sharing one GPU ask ", demand.milli,
          " milli in all, more than one GPU (1000)"));
    }
  }
  if (demand.gpu_count > sched::kMaxGpusPerNode) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pod asks ", demand.gpu_count, " GPUs; a node has at most ",
        sched::kMaxGpusPerNode));
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<sched::PodRequest> PodDemand::RequestFor(
    int64_t node_gpu_memory_mib) const {
  sched::PodRequest request;
  request.cpu_milli = cpu_milli;
  request.memory_mib = memory_mib;
  request.gpu_count = gpu_count;
  request.gpu_milli = gpu_count > 0 ? milli : 0;
  bool shared = std::any_of(containers.begin(), containers.end(),
                            [](const auto& c) { return c.shared(); });
  if (gpu_count > 0 && shared) {
    int64_t sum = 0;
    for (const auto& c : containers) {
      std::optional<int64_t> milli = ContainerMilli(c, node_gpu_memory_mib);
      if (!milli) return std::nullopt;
      sum += *milli;
    }
    if (sum > sched::kMilliPerGpu) return std::nullopt;
    request.gpu_milli = static_cast<int>(std::max<int64_t>(sum, 1));
  }
  return request;
}

absl::StatusOr<PodDemand> ParsePodDemand(const Json& pod) {
  if (!pod.is_object()) {
    return absl::InvalidArgumentError("the pod must be a JSON object");
  }
  PodDemand demand;
  demand.uid = MetadataString(pod, "uid");
  demand.name = MetadataString(pod, "name");
  demand.namespace_name = MetadataString(pod, "namespace");
  if (demand.namespace_name.empty()) demand.namespace_name = "default";
  if (demand.name.empty()) {
    return absl::InvalidArgumentError("pod has no metadata.name");
  }
  RETURN_IF_ERROR(AddCpuAndMemory(pod, demand));
  ASSIGN_OR_RETURN(demand.containers, handoff::ParsePodGpuRequests(pod));
  RETURN_IF_ERROR(CombineGpus(demand));
  return demand;
}

absl::StatusOr<handoff::PodDecision> MakeDecision(
    const PodDemand& demand, const std::string& node,
    const std::vector<handoff::NodeGpu>& gpus_by_slot, sched::GpuMask gpus,
    int64_t time_unix) {
  handoff::PodDecision decision{node, time_unix, {}};
  std::vector<const handoff::NodeGpu*> chosen;
  for (int slot = 0; slot < static_cast<int>(gpus_by_slot.size()); ++slot) {
    if ((gpus >> slot) & 1u) chosen.push_back(&gpus_by_slot[slot]);
  }
  size_t whole_gpus = 0;
  bool shared = false;
  for (const handoff::ContainerGpuRequest& c : demand.containers) {
    if (c.shared()) {
      shared = shared || c.gpus > 0;
    } else {
      whole_gpus += static_cast<size_t>(std::max(c.gpus, 0));
    }
  }
  if (std::popcount(gpus) != static_cast<int>(chosen.size()) ||
      whole_gpus > chosen.size() || (shared && chosen.empty())) {
    return absl::AbortedError(absl::StrCat(
        "node ", node, " changed while the pod was placed: the placement names ",
        std::popcount(gpus), " GPU slot(s), its list has ", gpus_by_slot.size(),
        " GPU(s)"));
  }
  size_t next = 0;
  for (const handoff::ContainerGpuRequest& c : demand.containers) {
    handoff::ContainerGrant grant{c.name, {}};
    bool whole = !c.shared();
    for (int i = 0; i < c.gpus; ++i) {
      // Shared containers all sit on the same GPU(s); whole ones take the
      // next unused GPUs in order.
      const handoff::NodeGpu* gpu =
          whole ? chosen[next++] : chosen[i % chosen.size()];
      int milli = whole ? sched::kMilliPerGpu
                        : static_cast<int>(
                              ContainerMilli(c, gpu->memory_mib).value_or(
                                  sched::kMilliPerGpu));
      grant.gpus.push_back({gpu->uuid, gpu->index, milli, c.memory_mib});
    }
    decision.containers.push_back(std::move(grant));
  }
  return decision;
}

absl::StatusOr<HeldGrant> GrantFromDecision(
    const handoff::PodDecision& decision,
    const std::vector<handoff::NodeGpu>& gpus_by_slot, int64_t cpu_milli,
    int64_t memory_mib) {
  std::map<int, int64_t> milli_by_slot;
  for (const handoff::ContainerGrant& container : decision.containers) {
    for (const handoff::GpuGrant& grant : container.gpus) {
      auto it = std::find_if(
          gpus_by_slot.begin(), gpus_by_slot.end(),
          [&](const handoff::NodeGpu& gpu) { return gpu.uuid == grant.uuid; });
      if (it == gpus_by_slot.end()) {
        return absl::NotFoundError(absl::StrCat(
            "decision names GPU ", grant.uuid, " which node ", decision.node,
            " does not report"));
      }
      int slot = static_cast<int>(it - gpus_by_slot.begin());
      int64_t milli = grant.milli;
      if (grant.memory_mib > 0 && it->memory_mib > 0) {
        milli = std::max<int64_t>(
            milli, (grant.memory_mib * sched::kMilliPerGpu + it->memory_mib - 1) /
                       it->memory_mib);
      }
      milli_by_slot[slot] += milli;
    }
  }
  HeldGrant held;
  held.request.cpu_milli = cpu_milli;
  held.request.memory_mib = memory_mib;
  int64_t largest = 0;
  for (const auto& [slot, milli] : milli_by_slot) {
    if (slot >= sched::kMaxGpusPerNode) continue;
    held.gpus |= static_cast<sched::GpuMask>(1u << slot);
    largest = std::max(largest, milli);
  }
  held.request.gpu_count = std::popcount(held.gpus);
  held.request.gpu_milli = static_cast<int>(
      std::min<int64_t>(largest, sched::kMilliPerGpu));
  return held;
}

gang::ResourceAmounts AmountsOf(const PodDemand& demand) {
  gang::ResourceAmounts amounts;
  amounts.gpu_milli = int64_t{demand.gpu_count} * demand.milli;
  amounts.cpu_milli = demand.cpu_milli;
  amounts.memory_mib = demand.memory_mib;
  return amounts;
}

}  // namespace gpulet::extender
