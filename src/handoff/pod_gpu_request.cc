#include "handoff/pod_gpu_request.h"

#include <optional>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "handoff/annotations.h"
#include "handoff/quantity.h"

namespace gpulet::handoff {
namespace {

constexpr int64_t kMaxGpusPerContainer = 1024;

absl::Status RequestError(std::string_view container, std::string_view resource,
                          std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("pod container \"", AsAbsl(container), "\": ", AsAbsl(resource), ": ", AsAbsl(why)));
}

// The whole, non-negative count of `resource` in the container's limits, or
// else its requests; nullopt when neither names it.
absl::StatusOr<std::optional<int64_t>> WholeCount(const nlohmann::json& container,
                                                  std::string_view name,
                                                  std::string_view resource) {
  auto resources = container.find("resources");
  if (resources == container.end() || !resources->is_object()) return std::nullopt;
  for (std::string_view list : {"limits", "requests"}) {
    auto amounts = resources->find(list);
    if (amounts == resources->end() || amounts->is_null()) continue;
    if (!amounts->is_object()) return RequestError(name, list, "expected an object");
    auto amount = amounts->find(resource);
    if (amount == amounts->end()) continue;
    std::string text;
    if (amount->is_string()) {
      text = amount->get<std::string>();
    } else if (amount->is_number_integer()) {
      text = amount->dump();
    } else {
      return RequestError(name, resource, "expected a quantity");
    }
    absl::StatusOr<Quantity> quantity = Quantity::Parse(text);
    if (!quantity.ok()) return RequestError(name, resource, AsStd(quantity.status().message()));
    if (quantity->IsNegative() || !quantity->IsWhole()) {
      return RequestError(name, resource,
                          absl::StrCat("must be a whole non-negative number, got ", text));
    }
    return quantity->Value();
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<ContainerGpuRequest>> ParsePodGpuRequests(const nlohmann::json& pod) {
  if (!pod.is_object()) return absl::InvalidArgumentError("pod: expected an object");
  auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) {
    return absl::InvalidArgumentError("pod: spec: missing");
  }
  auto containers = spec->find("containers");
  if (containers == spec->end() || !containers->is_array()) {
    return absl::InvalidArgumentError("pod: spec.containers: missing");
  }
  std::vector<ContainerGpuRequest> requests;
  for (size_t i = 0; i < containers->size(); ++i) {
    const nlohmann::json& container = (*containers)[i];
    if (!container.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pod: spec.containers[", i, "]: expected an object"));
    }
    auto name_it = container.find("name");
    const std::string name = name_it != container.end() && name_it->is_string()
                                 ? name_it->get<std::string>()
                                 : absl::StrCat("#", i);
    ASSIGN_OR_RETURN(std::optional<int64_t> gpus, WholeCount(container, name, kWholeGpuResource));
    ASSIGN_OR_RETURN(std::optional<int64_t> milli, WholeCount(container, name, kGpuMilliResource));
    ASSIGN_OR_RETURN(std::optional<int64_t> memory,
                     WholeCount(container, name, kGpuMemoryResource));
    const bool asks_share = (milli && *milli > 0) || (memory && *memory > 0);
    int64_t count = gpus.value_or(0);
    if (count == 0 && asks_share) count = 1;
    if (count == 0) continue;
    if (count > kMaxGpusPerContainer) {
      return RequestError(name, kWholeGpuResource,
                          absl::StrCat("at most ", kMaxGpusPerContainer, " GPUs, got ", count));
    }
    ContainerGpuRequest request;
    request.name = name;
    request.gpus = static_cast<int>(count);
    if (milli && *milli > 0) {
      if (*milli > kMilliPerGpu) {
        return RequestError(name, kGpuMilliResource,
                            absl::StrCat("must be in 1..", kMilliPerGpu, ", got ", *milli));
      }
      request.milli = static_cast<int>(*milli);
    }
    request.memory_mib = memory.value_or(0);
    requests.push_back(std::move(request));
  }
  return requests;
}

}  // namespace gpulet::handoff
