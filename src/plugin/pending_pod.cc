#include "plugin/pending_pod.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_string_view.h"
#include "base/json_fields.h"
#include "handoff/annotations.h"

namespace gpulet::plugin {
namespace {

int64_t UnixSeconds(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  if (rfc3339.empty() || !absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) return 0;
  return absl::ToUnixSeconds(time);
}

absl::Status Bad(const PendingPod& pod, std::string_view annotation, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("pod ", pod.Key(), ": annotation ",
                                                 AsAbsl(annotation), ": ", why));
}

}  // namespace

absl::StatusOr<std::optional<PendingPod>> ParsePendingPod(const nlohmann::json& pod,
                                                          std::string_view node) {
  if (!pod.is_object()) return absl::InvalidArgumentError("pod: not a JSON object");
  std::optional<std::string> decision_text = AnnotationOf(pod, handoff::kDecisionAnnotation);
  if (!decision_text.has_value()) return std::nullopt;
  if (StringAt(pod, {"spec", "nodeName"}) != node) return std::nullopt;
  std::string phase = StringAt(pod, {"status", "phase"});
  if (!phase.empty() && phase != "Pending") return std::nullopt;
  if (!StringAt(pod, {"metadata", "deletionTimestamp"}).empty()) return std::nullopt;
  std::optional<std::string> bind_phase = AnnotationOf(pod, handoff::kBindPhaseAnnotation);
  if (bind_phase == handoff::kBindPhaseSuccess || bind_phase == handoff::kBindPhaseFailed) {
    return std::nullopt;
  }
  PendingPod out;
  out.ns = StringAt(pod, {"metadata", "namespace"});
  out.name = StringAt(pod, {"metadata", "name"});
  out.uid = StringAt(pod, {"metadata", "uid"});
  if (out.uid.empty()) out.uid = out.Key();
  out.created_unix = UnixSeconds(StringAt(pod, {"metadata", "creationTimestamp"}));
  absl::StatusOr<handoff::PodDecision> decision = handoff::DecodePodDecision(*decision_text);
  if (!decision.ok()) return Bad(out, handoff::kDecisionAnnotation, decision.status().message());
  out.decision = *std::move(decision);
  if (out.decision.node != node) {
    return Bad(out, handoff::kDecisionAnnotation,
               absl::StrCat("decided for node \"", out.decision.node, "\", bound to \"",
                            AsAbsl(node), "\""));
  }
  if (std::optional<std::string> count = AnnotationOf(pod, handoff::kAllocatedContainersAnnotation)) {
    if (!absl::SimpleAtoi(*count, &out.allocated) || out.allocated < 0 ||
        out.allocated > static_cast<int>(out.decision.containers.size())) {
      return Bad(out, handoff::kAllocatedContainersAnnotation,
                 absl::StrCat("\"", *count, "\" is not a count from 0 to ",
                              out.decision.containers.size()));
    }
  }
  return out;
}

}  // namespace gpulet::plugin
