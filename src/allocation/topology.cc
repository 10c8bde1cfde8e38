#include "allocation/topology.h"

#include <algorithm>
#include <map>
#include <string>

namespace gpulet::allocation {

int PcieScore(nvml::TopologyLevel level) {
  switch (level) {
    case nvml::TopologyLevel::kInternal:
      return 60;
    case nvml::TopologyLevel::kSingle:
      return 50;
    case nvml::TopologyLevel::kMultiple:
      return 40;
    case nvml::TopologyLevel::kHostBridge:
      return 30;
    case nvml::TopologyLevel::kNode:
      return 20;
    case nvml::TopologyLevel::kSystem:
      return 10;
  }
  return 10;
}

Topology::Topology(int gpu_count)
    : gpu_count_(gpu_count),
      nvlinks_(gpu_count * gpu_count, 0),
      pcie_(gpu_count * gpu_count, nvml::TopologyLevel::kSystem),
      scores_(gpu_count * gpu_count, 0) {
  for (int a = 0; a < gpu_count; ++a) {
    for (int b = 0; b < gpu_count; ++b) Update(a, b);
  }
}

namespace {

// Links of one GPU: to each peer GPU, and to each switch (by bus id).
struct LinkCounts {
  std::map<unsigned int, int> peers;
  std::map<std::string, int> switches;
};

LinkCounts CountLinks(const inventory::Gpu& gpu) {
  LinkCounts counts;
  for (const inventory::NvLink& link : gpu.nvlinks) {
    if (link.remote_gpu.has_value()) {
      ++counts.peers[*link.remote_gpu];
    } else {
      ++counts.switches[link.remote_bus_id];
    }
  }
  return counts;
}

// NVLinks between two GPUs: direct ones, plus for each NVSwitch both reach
// the links the narrower side has into it.
int LinksBetween(const LinkCounts& a, const LinkCounts& b, unsigned int b_index,
                 unsigned int a_index) {
  int links = 0;
  if (auto it = a.peers.find(b_index); it != a.peers.end()) links = it->second;
  if (auto it = b.peers.find(a_index); it != b.peers.end()) {
    links = std::max(links, it->second);
  }
  for (const auto& [bus, count] : a.switches) {
    if (auto it = b.switches.find(bus); it != b.switches.end()) {
      links += std::min(count, it->second);
    }
  }
  return links;
}

}  // namespace

Topology Topology::FromInventory(const inventory::Inventory& inventory) {
  const int n = static_cast<int>(inventory.gpus.size());
  Topology topology(n);
  std::vector<LinkCounts> links;
  for (const inventory::Gpu& gpu : inventory.gpus) links.push_back(CountLinks(gpu));
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      topology.SetNvLinks(a, b, LinksBetween(links[a], links[b], b, a));
      if (static_cast<size_t>(a) < inventory.pcie_levels.size() &&
          static_cast<size_t>(b) < inventory.pcie_levels[a].size()) {
        topology.SetPcie(a, b, inventory.pcie_levels[a][b]);
      }
    }
  }
  return topology;
}

void Topology::SetNvLinks(int a, int b, int links) {
  nvlinks_[a * gpu_count_ + b] = nvlinks_[b * gpu_count_ + a] = links;
  Update(a, b);
}

void Topology::SetPcie(int a, int b, nvml::TopologyLevel level) {
  pcie_[a * gpu_count_ + b] = pcie_[b * gpu_count_ + a] = level;
  Update(a, b);
}

void Topology::Update(int a, int b) {
  int score = a == b ? 0 : 100 * nvlinks_[a * gpu_count_ + b] +
                               PcieScore(pcie_[a * gpu_count_ + b]);
  scores_[a * gpu_count_ + b] = scores_[b * gpu_count_ + a] = score;
}

}  // namespace gpulet::allocation
