// NodeGpuPublisher: keeps the node's gpulet.io/gpus annotation — its GPUs
// with UUID, index, model, memory, NUMA node and health, for the scheduler
// extender — in step with the inventory and the health feed.
//
// Its thread encodes the annotation (handoff::EncodeNodeGpus) after every
// Update() or HealthChanged() and patches the node only when the text
// differs from the last one written; every `recheck` period it writes it
// again regardless, which restores an annotation edited by someone else. A failed
// patch is retried with back-off (1 s doubling to 30 s) and logged once
// per cause. Nothing here blocks the caller: Update() and HealthChanged()
// only store and notify.
//
// Thread-safe. Stop() (also the destructor) ends the thread.
#ifndef GPULET_PLUGIN_NODE_GPU_PUBLISHER_H_
#define GPULET_PLUGIN_NODE_GPU_PUBLISHER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "handoff/node_gpus.h"
#include "inventory/inventory.h"
#include "plugin/handoff_api.h"

namespace gpulet::plugin {

// The GPUs of `inventory` with their health from `healthy` (null: the
// inventory's own, i.e. healthy unless the GPU could not be read).
std::vector<handoff::NodeGpu> NodeGpusOf(const inventory::Inventory& inventory,
                                         const std::function<bool(std::string_view)>& healthy);

struct NodeGpuPublisherOptions {
  std::string node;
  std::chrono::milliseconds recheck{std::chrono::minutes(5)};
  std::chrono::milliseconds retry_min{std::chrono::seconds(1)};
  std::chrono::milliseconds retry_max{std::chrono::seconds(30)};
};

class NodeGpuPublisher {
 public:
  using HealthSource = std::function<std::function<bool(std::string_view)>()>;

  // `api` must outlive the publisher. `health` (may be null) returns the
  // live health view; it is called on the publisher's thread.
  NodeGpuPublisher(HandoffApi* api, NodeGpuPublisherOptions options, HealthSource health);
  ~NodeGpuPublisher();
  NodeGpuPublisher(const NodeGpuPublisher&) = delete;
  NodeGpuPublisher& operator=(const NodeGpuPublisher&) = delete;

  void Update(std::shared_ptr<const inventory::Inventory> inventory) ABSL_LOCKS_EXCLUDED(mu_);
  void HealthChanged() ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // The last annotation written; "" before the first.
  std::string published() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();

  HandoffApi* const api_;
  const NodeGpuPublisherOptions options_;
  const HealthSource health_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const inventory::Inventory> inventory_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::string published_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_NODE_GPU_PUBLISHER_H_
