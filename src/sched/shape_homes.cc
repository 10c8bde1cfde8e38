#include "sched/shape_homes.h"

namespace gpulet::sched {
namespace {

bool SameShapes(const std::vector<WorkloadShape>& a,
                const std::vector<WorkloadShape>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key() != b[i].key() || a[i].probability != b[i].probability ||
        a[i].memory_mib != b[i].memory_mib) {
      return false;
    }
  }
  return true;
}

}  // namespace

void ShapeHomes::Update(ClusterView nodes, const TargetWorkload& target) {
  if (!SameShapes(shapes_, target.shapes())) {
    shapes_ = target.shapes();
    requests_.clear();
    for (const WorkloadShape& s : shapes_) {
      requests_.push_back(
          PodRequest{s.cpu_milli, s.memory_mib, s.gpu_count, s.gpu_milli,
                     s.models});
    }
    versions_plus_one_.assign(nodes.size(), 0);
    fits_.assign(nodes.size() * shapes_.size(), 0);
    homes_.assign(shapes_.size(), 0);
  }
  if (versions_plus_one_.size() < nodes.size()) {
    versions_plus_one_.resize(nodes.size(), 0);
    fits_.resize(nodes.size() * shapes_.size(), 0);
  }
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    if (versions_plus_one_[i] == nodes[i]->version + 1) continue;
    Recount(i, *nodes[i]);
    versions_plus_one_[i] = nodes[i]->version + 1;
  }
}

void ShapeHomes::Recount(int index, const NodeState& node) {
  uint8_t* bits = fits_.data() + index * shapes_.size();
  for (size_t m = 0; m < shapes_.size(); ++m) {
    uint8_t now = Fits(node, requests_[m]) ? 1 : 0;
    homes_[m] += int64_t{now} - bits[m];
    bits[m] = now;
  }
}

double ShapeHomes::ExpectedLoss(int index, const NodeState& after) const {
  const uint8_t* bits = fits_.data() + index * shapes_.size();
  double loss = 0;
  for (size_t m = 0; m < shapes_.size(); ++m) {
    if (bits[m] == 0 || homes_[m] == 0) continue;
    if (Fits(after, requests_[m])) continue;
    loss += shapes_[m].probability / static_cast<double>(homes_[m]);
  }
  return loss;
}

}  // namespace gpulet::sched
