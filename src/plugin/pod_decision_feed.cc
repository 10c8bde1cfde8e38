#include "plugin/pod_decision_feed.h"

#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

std::string UidOf(const nlohmann::json& pod) {
  const nlohmann::json::json_pointer uid("/metadata/uid");
  if (pod.is_object() && pod.contains(uid) && pod.at(uid).is_string()) {
    return pod.at(uid).get<std::string>();
  }
  const nlohmann::json::json_pointer ns("/metadata/namespace"), name("/metadata/name");
  if (pod.is_object() && pod.contains(ns) && pod.contains(name) && pod.at(ns).is_string() &&
      pod.at(name).is_string()) {
    return pod.at(ns).get<std::string>() + "/" + pod.at(name).get<std::string>();
  }
  return "";
}

}  // namespace

std::optional<PendingPod> PodDecisionFeed::Parse(const nlohmann::json& pod) {
  absl::StatusOr<std::optional<PendingPod>> parsed = ParsePendingPod(pod, node_);
  if (parsed.ok()) return *std::move(parsed);
  std::string cause(parsed.status().message());
  std::lock_guard<std::mutex> lock(mu_);
  if (logged_.size() >= 4096) logged_.clear();
  std::string& last = logged_[UidOf(pod)];
  if (last != cause) {
    spdlog::warn("{}; its containers get the normal allocation", cause);
    last = cause;
  }
  return std::nullopt;
}

void PodDecisionFeed::Replace(const std::vector<nlohmann::json>& pods) {
  std::vector<PendingPod> pending;
  for (const nlohmann::json& pod : pods) {
    if (std::optional<PendingPod> parsed = Parse(pod)) pending.push_back(*std::move(parsed));
  }
  ledger_->Replace(std::move(pending));
}

void PodDecisionFeed::Event(std::string_view type, const nlohmann::json& pod) {
  std::string uid = UidOf(pod);
  if (type == "DELETED") {
    ledger_->Remove(uid);
    return;
  }
  if (type != "ADDED" && type != "MODIFIED") return;
  if (std::optional<PendingPod> parsed = Parse(pod)) {
    ledger_->Upsert(*std::move(parsed));
  } else {
    ledger_->Remove(uid);
  }
}

}  // namespace gpulet::plugin
