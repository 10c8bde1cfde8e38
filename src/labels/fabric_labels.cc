#include "labels/fabric_labels.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::labels {

LabelMap FabricLabels(const inventory::Inventory& inventory) {
  // Clique id → the GPUs that report it, ordered so the warning is stable.
  std::map<std::string, std::vector<unsigned int>> cliques;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    if (!gpu.fabric.has_value() || !gpu.fabric->attached()) continue;
    cliques[absl::StrCat(gpu.fabric->ClusterUuidString(), ".", gpu.fabric->clique_id)]
        .push_back(gpu.index);
  }
  if (cliques.empty()) return {};
  if (cliques.size() > 1) {
    std::vector<std::string> parts;
    for (const auto& [clique, gpus] : cliques) {
      parts.push_back(absl::StrCat(clique, " (GPU ", absl::StrJoin(gpus, ", "), ")"));
    }
    spdlog::warn("GPUs report different NVLink fabric cliques: {}; not labelling {}",
                 absl::StrJoin(parts, "; "), kCliqueLabel);
    return {};
  }
  return {{kCliqueLabel, cliques.begin()->first}};
}

}  // namespace gpulet::labels
