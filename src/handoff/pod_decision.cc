#include "handoff/pod_decision.h"

#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "handoff/annotations.h"
#include "handoff/json_field.h"
#include "nlohmann/json.hpp"

namespace gpulet::handoff {
namespace {

constexpr std::string_view kWhat = kDecisionAnnotation;
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

absl::StatusOr<GpuGrant> DecodeGrant(const nlohmann::json& entry, const std::string& path) {
  if (!entry.is_object()) return internal::FieldError(kWhat, path, "expected an object");
  GpuGrant grant;
  ASSIGN_OR_RETURN(grant.uuid, internal::RequiredString(kWhat, entry, path, "uuid"));
  if (grant.uuid.empty()) {
    return internal::FieldError(kWhat, internal::Member(path, "uuid"), "empty");
  }
  ASSIGN_OR_RETURN(int64_t index, internal::RequiredInt(kWhat, entry, path, "index", 0, 1023));
  grant.index = static_cast<int>(index);
  ASSIGN_OR_RETURN(int64_t milli,
                   internal::RequiredInt(kWhat, entry, path, "milli", 1, kMilliPerGpu));
  grant.milli = static_cast<int>(milli);
  ASSIGN_OR_RETURN(grant.memory_mib,
                   internal::RequiredInt(kWhat, entry, path, "memoryMiB", 0, kMaxInt64));
  return grant;
}

absl::StatusOr<ContainerGrant> DecodeContainer(const nlohmann::json& entry,
                                               const std::string& path) {
  if (!entry.is_object()) return internal::FieldError(kWhat, path, "expected an object");
  ContainerGrant container;
  ASSIGN_OR_RETURN(container.name, internal::RequiredString(kWhat, entry, path, "name"));
  if (container.name.empty()) {
    return internal::FieldError(kWhat, internal::Member(path, "name"), "empty");
  }
  const std::string gpus_path = internal::Member(path, "gpus");
  ASSIGN_OR_RETURN(const nlohmann::json* gpus, internal::RequiredArray(kWhat, entry, path, "gpus"));
  if (gpus->empty()) return internal::FieldError(kWhat, gpus_path, "no GPUs");
  std::set<std::string> uuids;
  for (size_t i = 0; i < gpus->size(); ++i) {
    const std::string grant_path = internal::Element(gpus_path, i);
    ASSIGN_OR_RETURN(GpuGrant grant, DecodeGrant((*gpus)[i], grant_path));
    if (!uuids.insert(grant.uuid).second) {
      return internal::FieldError(kWhat, internal::Member(grant_path, "uuid"),
                                  absl::StrCat("GPU ", grant.uuid, " granted twice"));
    }
    container.gpus.push_back(std::move(grant));
  }
  return container;
}

}  // namespace

std::string EncodePodDecision(const PodDecision& decision) {
  nlohmann::json containers = nlohmann::json::array();
  for (const ContainerGrant& container : decision.containers) {
    nlohmann::json gpus = nlohmann::json::array();
    for (const GpuGrant& grant : container.gpus) {
      gpus.push_back({{"uuid", grant.uuid},
                      {"index", grant.index},
                      {"milli", grant.milli},
                      {"memoryMiB", grant.memory_mib}});
    }
    containers.push_back({{"name", container.name}, {"gpus", std::move(gpus)}});
  }
  // nlohmann::json keeps object keys sorted, which makes the value stable.
  nlohmann::json out = {
      {"node", decision.node}, {"time", decision.time_unix}, {"containers", std::move(containers)}};
  return out.dump();
}

absl::StatusOr<PodDecision> DecodePodDecision(std::string_view annotation) {
  ASSIGN_OR_RETURN(nlohmann::json root, internal::ParseObject(kWhat, annotation));
  PodDecision decision;
  ASSIGN_OR_RETURN(decision.node, internal::RequiredString(kWhat, root, "", "node"));
  if (decision.node.empty()) return internal::FieldError(kWhat, "node", "empty");
  ASSIGN_OR_RETURN(decision.time_unix, internal::RequiredInt(kWhat, root, "", "time", 0, kMaxInt64));
  ASSIGN_OR_RETURN(const nlohmann::json* containers,
                   internal::RequiredArray(kWhat, root, "", "containers"));
  std::set<std::string> names;
  for (size_t i = 0; i < containers->size(); ++i) {
    const std::string path = internal::Element("containers", i);
    ASSIGN_OR_RETURN(ContainerGrant container, DecodeContainer((*containers)[i], path));
    if (!names.insert(container.name).second) {
      return internal::FieldError(kWhat, internal::Member(path, "name"),
                                  absl::StrCat("container ", container.name, " appears twice"));
    }
    decision.containers.push_back(std::move(container));
  }
  return decision;
}

}  // namespace gpulet::handoff
