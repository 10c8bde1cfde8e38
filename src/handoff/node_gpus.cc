#include "handoff/node_gpus.h"

#include <algorithm>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "handoff/annotations.h"
#include "handoff/json_field.h"
#include "nlohmann/json.hpp"

namespace gpulet::handoff {
namespace {

constexpr int kVersion = 1;
constexpr std::string_view kHealthy = "Healthy";
constexpr std::string_view kUnhealthy = "Unhealthy";

absl::StatusOr<NodeGpu> DecodeGpu(const nlohmann::json& entry, const std::string& path) {
  constexpr std::string_view what = kNodeGpusAnnotation;
  if (!entry.is_object()) return internal::FieldError(what, path, "expected an object");
  NodeGpu gpu;
  ASSIGN_OR_RETURN(gpu.uuid, internal::RequiredString(what, entry, path, "uuid"));
  if (gpu.uuid.empty()) return internal::FieldError(what, internal::Member(path, "uuid"), "empty");
  ASSIGN_OR_RETURN(int64_t index, internal::RequiredInt(what, entry, path, "index", 0, 1023));
  gpu.index = static_cast<int>(index);
  ASSIGN_OR_RETURN(gpu.model, internal::RequiredString(what, entry, path, "model"));
  ASSIGN_OR_RETURN(gpu.memory_mib,
                   internal::RequiredInt(what, entry, path, "memoryMiB", 0,
                                         std::numeric_limits<int64_t>::max()));
  ASSIGN_OR_RETURN(std::string health, internal::RequiredString(what, entry, path, "health"));
  if (health != kHealthy && health != kUnhealthy) {
    return internal::FieldError(what, internal::Member(path, "health"),
                                absl::StrCat("expected Healthy or Unhealthy, got \"", health, "\""));
  }
  gpu.healthy = health == kHealthy;
  ASSIGN_OR_RETURN(int64_t numa, internal::RequiredInt(what, entry, path, "numa", -1, 4095));
  gpu.numa_node = static_cast<int>(numa);
  return gpu;
}

}  // namespace

std::string EncodeNodeGpus(std::vector<NodeGpu> gpus) {
  std::sort(gpus.begin(), gpus.end(),
            [](const NodeGpu& a, const NodeGpu& b) { return a.index < b.index; });
  // nlohmann::json keeps object keys sorted, which makes the value stable.
  nlohmann::json list = nlohmann::json::array();
  for (const NodeGpu& gpu : gpus) {
    list.push_back({{"uuid", gpu.uuid},
                    {"index", gpu.index},
                    {"model", gpu.model},
                    {"memoryMiB", gpu.memory_mib},
                    {"health", gpu.healthy ? kHealthy : kUnhealthy},
                    {"numa", gpu.numa_node}});
  }
  nlohmann::json out = {{"version", kVersion}, {"gpus", std::move(list)}};
  return out.dump();
}

absl::StatusOr<std::vector<NodeGpu>> DecodeNodeGpus(std::string_view annotation) {
  constexpr std::string_view what = kNodeGpusAnnotation;
  ASSIGN_OR_RETURN(nlohmann::json root, internal::ParseObject(what, annotation));
  ASSIGN_OR_RETURN(int64_t version, internal::RequiredInt(what, root, "", "version", 0,
                                                          std::numeric_limits<int64_t>::max()));
  if (version != kVersion) {
    return internal::FieldError(what, "version",
                                absl::StrCat("unsupported version ", version, ", expected ", kVersion));
  }
  ASSIGN_OR_RETURN(const nlohmann::json* list, internal::RequiredArray(what, root, "", "gpus"));
  std::vector<NodeGpu> gpus;
  std::set<std::string> uuids;
  std::set<int> indices;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = internal::Element("gpus", i);
    ASSIGN_OR_RETURN(NodeGpu gpu, DecodeGpu((*list)[i], path));
    if (!uuids.insert(gpu.uuid).second) {
      return internal::FieldError(what, internal::Member(path, "uuid"),
                                  absl::StrCat("repeated UUID ", gpu.uuid));
    }
    if (!indices.insert(gpu.index).second) {
      return internal::FieldError(what, internal::Member(path, "index"),
                                  absl::StrCat("repeated index ", gpu.index));
    }
    gpus.push_back(std::move(gpu));
  }
  std::sort(gpus.begin(), gpus.end(),
            [](const NodeGpu& a, const NodeGpu& b) { return a.index < b.index; });
  return gpus;
}

}  // namespace gpulet::handoff
