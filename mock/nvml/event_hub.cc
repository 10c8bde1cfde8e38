#include "mock/nvml/event_hub.h"

namespace gpulet::mock {

nvmlEventSet_t EventHub::Create() {
  sets_.push_back(std::make_unique<nvmlEventSet_st>());
  known_.insert(sets_.back().get());
  return sets_.back().get();
}

bool EventHub::IsLive(nvmlEventSet_t set) const {
  return set != nullptr && known_.contains(set) && !set->freed;
}

void EventHub::Register(nvmlEventSet_t set, nvmlDevice_t gpu,
                        unsigned long long types) {
  set->registered[gpu] |= types;
}

void EventHub::Free(nvmlEventSet_t set) {
  set->freed = true;
  set->registered.clear();
  set->queue.clear();
}

bool EventHub::Emit(nvmlDevice_t gpu, unsigned long long type,
                    unsigned long long data, unsigned int gi, unsigned int ci) {
  bool delivered = false;
  for (auto& set : sets_) {
    if (set->freed) continue;
    auto it = set->registered.find(gpu);
    if (it == set->registered.end() || (it->second & type) == 0) continue;
    set->queue.push_back(nvmlEventData_t{gpu, static_cast<unsigned long long>(type),
                                         data, gi, ci});
    delivered = true;
  }
  return delivered;
}

bool EventHub::Pop(nvmlEventSet_t set, nvmlEventData_t* out) {
  if (set->queue.empty()) return false;
  *out = set->queue.front();
  set->queue.pop_front();
  return true;
}

}  // namespace gpulet::mock
