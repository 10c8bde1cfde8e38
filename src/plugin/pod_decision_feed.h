// PodDecisionFeed: turns the pods bound to this node — a full list, or one
// watch event at a time — into the GrantLedger's pending pods.
//
// A pod whose decision cannot be served (garbage annotation, decided for
// another node) is left out and logged once per pod and cause: its
// containers then get the normal allocation.
//
// Thread-safe: the watcher's thread and Allocate's bounded refresh may
// feed it at the same time.
#ifndef GPULET_PLUGIN_POD_DECISION_FEED_H_
#define GPULET_PLUGIN_POD_DECISION_FEED_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "nlohmann/json.hpp"
#include "plugin/grant_ledger.h"

namespace gpulet::plugin {

class PodDecisionFeed {
 public:
  PodDecisionFeed(std::string node, std::shared_ptr<GrantLedger> ledger)
      : node_(std::move(node)), ledger_(std::move(ledger)) {}

  // Every pod bound to the node, as a LIST returns them.
  void Replace(const std::vector<nlohmann::json>& pods) ABSL_LOCKS_EXCLUDED(mu_);
  // One watch event: "ADDED", "MODIFIED" or "DELETED" (others are ignored).
  void Event(std::string_view type, const nlohmann::json& pod) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string& node() const { return node_; }

 private:
  // The pod's pending decision; nullopt (logged once) when there is none
  // it can serve.
  std::optional<PendingPod> Parse(const nlohmann::json& pod) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string node_;
  const std::shared_ptr<GrantLedger> ledger_;
  std::mutex mu_;
  // The last problem logged per pod uid, so each is logged once.
  std::map<std::string, std::string> logged_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_POD_DECISION_FEED_H_
