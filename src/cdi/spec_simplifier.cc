#include "cdi/spec_simplifier.h"

#include <algorithm>
#include <set>

namespace gpulet::cdi {
namespace {

template <typename T>
void RemoveRepeats(std::vector<T>& items) {
  std::vector<T> kept;
  std::set<T> seen;
  for (T& item : items) {
    if (seen.insert(item).second) kept.push_back(std::move(item));
  }
  items = std::move(kept);
}

// nvidia-ctk's order: shallower paths first, then lexical.
bool ByDepthThenPath(std::string_view a, std::string_view b) {
  auto depth_a = std::count(a.begin(), a.end(), '/');
  auto depth_b = std::count(b.begin(), b.end(), '/');
  if (depth_a != depth_b) return depth_a < depth_b;
  return a < b;
}

template <typename T>
void RemoveCommon(std::vector<T>& items, const std::vector<T>& common) {
  std::erase_if(items, [&common](const T& item) {
    return std::find(common.begin(), common.end(), item) != common.end();
  });
}

template <typename T>
void Append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

void NormalizeEdits(ContainerEdits& edits) {
  RemoveRepeats(edits.env);
  RemoveRepeats(edits.device_nodes);
  RemoveRepeats(edits.net_devices);
  RemoveRepeats(edits.hooks);
  RemoveRepeats(edits.mounts);
  std::stable_sort(edits.device_nodes.begin(), edits.device_nodes.end(),
                   [](const DeviceNode& a, const DeviceNode& b) {
                     return ByDepthThenPath(a.path, b.path);
                   });
  std::stable_sort(edits.mounts.begin(), edits.mounts.end(),
                   [](const Mount& a, const Mount& b) {
                     return ByDepthThenPath(a.container_path, b.container_path);
                   });
  std::sort(edits.additional_gids.begin(), edits.additional_gids.end());
  edits.additional_gids.erase(
      std::unique(edits.additional_gids.begin(), edits.additional_gids.end()),
      edits.additional_gids.end());
}

void SimplifySpec(Spec& spec) {
  NormalizeEdits(spec.edits);
  for (Device& device : spec.devices) {
    NormalizeEdits(device.edits);
    ContainerEdits reduced = device.edits;
    RemoveCommon(reduced.env, spec.edits.env);
    RemoveCommon(reduced.device_nodes, spec.edits.device_nodes);
    RemoveCommon(reduced.hooks, spec.edits.hooks);
    RemoveCommon(reduced.mounts, spec.edits.mounts);
    RemoveCommon(reduced.additional_gids, spec.edits.additional_gids);
    if (!reduced.empty()) device.edits = std::move(reduced);
  }
}

ContainerEdits MergeEdits(const std::vector<Device>& devices) {
  ContainerEdits merged;
  for (const Device& device : devices) {
    const ContainerEdits& edits = device.edits;
    Append(merged.env, edits.env);
    Append(merged.device_nodes, edits.device_nodes);
    Append(merged.net_devices, edits.net_devices);
    Append(merged.hooks, edits.hooks);
    Append(merged.mounts, edits.mounts);
    Append(merged.additional_gids, edits.additional_gids);
  }
  NormalizeEdits(merged);
  return merged;
}

}  // namespace gpulet::cdi
