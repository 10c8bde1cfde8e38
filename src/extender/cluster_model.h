// ClusterModel: the extender's view of the cluster's nodes — for each node
// its name, its GPUs (from the device plugin's gpulet.io/gpus annotation)
// and its ledger index — and the sched::Ledger that counts what is free.
//
// Node names map to ledger indices that are never reused: a deleted node
// keeps its index with no capacity, and comes back to it if re-added, so a
// policy's per-index caches stay valid. Allocatable `cpu` and `memory` give
// the node's CPU (milli) and memory (MiB); GPUs come only from the
// annotation: a node without it (or with a malformed one, logged once per
// change) has no GPUs for gpulet. Unhealthy GPUs keep what they hold but
// are never chosen (Ledger::ReplaceNode's unavailable mask).
//
// Thread-safe: one writer (the node watch) calls UpsertNode/RemoveNode;
// any thread reads Find/Node and decides on ledger().snapshot().
#ifndef GPULET_EXTENDER_CLUSTER_MODEL_H_
#define GPULET_EXTENDER_CLUSTER_MODEL_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/node_gpus.h"
#include "nlohmann/json.hpp"
#include "sched/gpu_model_table.h"
#include "sched/ledger.h"

namespace gpulet::extender {

// What the model knows of one node. Immutable once published.
struct NodeInfo {
  std::string name;
  int index = -1;                           // ledger index
  std::vector<handoff::NodeGpu> gpus;       // ledger GPU slot i = gpus[i]
  int64_t gpu_memory_mib = 0;               // smallest GPU's memory
  bool present = true;                      // false once deleted
  std::string problem;  // why the node offers no GPUs, "" when it does
};

class ClusterModel {
 public:
  ClusterModel();

  // Adds or updates the node from a v1.Node object. InvalidArgument when
  // the object has no metadata.name or unparsable allocatable quantities
  // (the node is then left as it was). A bad GPU annotation is not an
  // error: the node gets no GPUs and NodeInfo::problem says why.
  absl::Status UpsertNode(const nlohmann::json& node);

  // The node no longer exists: it keeps its index with no capacity.
  void RemoveNode(std::string_view name);

  // The node named `name`, or nullptr when never seen.
  std::shared_ptr<const NodeInfo> Find(std::string_view name) const;
  // The node at ledger index `index`, or nullptr.
  std::shared_ptr<const NodeInfo> Node(int index) const;

  // Ledger indices of the usable nodes among `names`, in order; each
  // unusable one goes to `unusable` with the reason. One lock for all, as
  // /filter asks about every node of the cluster.
  std::vector<int> Usable(const std::vector<std::string>& names,
                          std::map<std::string, std::string>& unusable) const;

  sched::Ledger& ledger() { return ledger_; }
  int node_count() const;

 private:
  absl::Status Publish(std::shared_ptr<NodeInfo> info, int64_t cpu_milli,
                       int64_t memory_mib);

  sched::Ledger ledger_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, int> index_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<const NodeInfo>> nodes_ ABSL_GUARDED_BY(mu_);
  sched::GpuModelTable models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_CLUSTER_MODEL_H_
