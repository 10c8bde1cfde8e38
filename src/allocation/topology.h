// Topology: how well each pair of GPUs of a node is connected, as one
// score per pair, for choosing which GPUs to hand a container together.
//
// The score follows go-gpuallocator's weights so that gpulet prefers what
// NVIDIA's allocator prefers when that is right: 100 per NVLink between the
// two GPUs (a direct link, or a link each into the same NVSwitch), plus the
// PCIe closeness: same board 60, one switch 50, several switches 40, same
// host bridge 30, same NUMA node 20, across sockets 10.
//
// Built once per Inventory (no NVML calls at allocation time, so a GPU that
// fell off the bus cannot break preferred allocation for every pod, as in
// NVIDIA #2038). Immutable; thread-safe to read.
#ifndef GPULET_ALLOCATION_TOPOLOGY_H_
#define GPULET_ALLOCATION_TOPOLOGY_H_

#include <vector>

#include "inventory/inventory.h"
#include "nvml/nvml_types.h"

namespace gpulet::allocation {

// The PCIe part of a pair's score.
int PcieScore(nvml::TopologyLevel level);

class Topology {
 public:
  // `gpu_count` GPUs, every pair across sockets with no NVLink.
  explicit Topology(int gpu_count);

  // NVLinks from inventory nvlinks (peer links and shared NVSwitches) and
  // PCIe levels from inventory pcie_levels (kSystem where missing).
  static Topology FromInventory(const inventory::Inventory& inventory);

  // For hand-made topologies in tests and benchmarks; symmetric.
  void SetNvLinks(int a, int b, int links);
  void SetPcie(int a, int b, nvml::TopologyLevel level);

  int gpu_count() const { return gpu_count_; }
  // 0 for a == b.
  int Score(int a, int b) const { return scores_[a * gpu_count_ + b]; }
  int NvLinks(int a, int b) const { return nvlinks_[a * gpu_count_ + b]; }

 private:
  void Update(int a, int b);

  int gpu_count_;
  std::vector<int> nvlinks_;
  std::vector<nvml::TopologyLevel> pcie_;
  std::vector<int> scores_;
};

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_TOPOLOGY_H_
