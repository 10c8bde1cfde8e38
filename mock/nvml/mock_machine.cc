#include "mock/nvml/mock_machine.h"

#include <memory>
#include <utility>

namespace gpulet::mock {

bool MigLayoutDiffers(const MigProfile& a, const MigProfile& b) {
  if (a.capable != b.capable || a.current_enabled != b.current_enabled ||
      a.pending_enabled != b.pending_enabled ||
      a.devices.size() != b.devices.size()) {
    return true;
  }
  for (size_t i = 0; i < a.devices.size(); ++i) {
    const MigDeviceProfile& x = a.devices[i];
    const MigDeviceProfile& y = b.devices[i];
    if (x.gpu_instance_id != y.gpu_instance_id ||
        x.compute_instance_id != y.compute_instance_id ||
        x.profile != y.profile || x.compute_slices != y.compute_slices ||
        x.placement_start != y.placement_start || x.uuid != y.uuid) {
      return true;
    }
  }
  return false;
}

void MockMachine::MarkAllAbsent() {
  for (auto& d : gpus_) d->present = false;
  for (auto& d : migs_) d->present = false;
  for (auto& g : gi_store_) g->present = false;
  for (auto& c : ci_store_) c->present = false;
}

// Gives every MIG device of GPU `gpu_index` its handles, reusing those of
// the same (GI, CI) from an earlier profile.
void MockMachine::AttachMigDevices(uint32_t gpu_index) {
  const auto& devices = profile_.gpus[gpu_index].mig.devices;
  for (uint32_t m = 0; m < devices.size(); ++m) {
    const MigDeviceProfile& mp = devices[m];
    nvmlGpuInstance_st*& gi = gi_by_key_[{gpu_index, mp.gpu_instance_id}];
    if (gi == nullptr) {
      gi = Track(gi_store_, gis_);
      gi->gpu_index = gpu_index;
      gi->id = mp.gpu_instance_id;
    }
    gi->present = true;
    nvmlComputeInstance_st*& ci =
        by_key_[{gpu_index, mp.gpu_instance_id, mp.compute_instance_id}];
    if (ci == nullptr) {
      ci = Track(ci_store_, cis_);
      ci->gpu_instance = gi;
      ci->id = mp.compute_instance_id;
      ci->mig_device = Track(migs_, devices_);
      ci->mig_device->is_mig = true;
      ci->mig_device->gpu_index = gpu_index;
      ci->mig_device->parent = gpus_[gpu_index].get();
    }
    ci->present = true;
    ci->mig_device->present = true;
    ci->mig_device->mig_index = m;
  }
}

std::vector<uint32_t> MockMachine::Apply(MachineProfile profile) {
  std::vector<uint32_t> changed;
  for (uint32_t i = 0; i < profile.gpus.size(); ++i) {
    const bool existed = i < profile_.gpus.size();
    if (existed && MigLayoutDiffers(profile_.gpus[i].mig, profile.gpus[i].mig)) {
      changed.push_back(i);
    }
  }
  profile_ = std::move(profile);
  MarkAllAbsent();
  for (uint32_t i = 0; i < profile_.gpus.size(); ++i) {
    if (i == gpus_.size()) {
      nvmlDevice_st* d = Track(gpus_, devices_);
      d->gpu_index = i;
    }
    gpus_[i]->present = true;
    AttachMigDevices(i);
  }
  return changed;
}

nvmlDevice_st* MockMachine::MigDevice(uint32_t gpu_index, uint32_t mig_index) {
  const auto& devices = profile_.gpus[gpu_index].mig.devices;
  if (mig_index >= devices.size()) return nullptr;
  const MigDeviceProfile& mp = devices[mig_index];
  auto it = by_key_.find(
      MigKey{gpu_index, mp.gpu_instance_id, mp.compute_instance_id});
  return it == by_key_.end() ? nullptr : it->second->mig_device;
}

nvmlGpuInstance_st* MockMachine::GpuInstance(uint32_t gpu_index, uint32_t gi) {
  auto it = gi_by_key_.find({gpu_index, gi});
  if (it == gi_by_key_.end() || !it->second->present) return nullptr;
  return it->second;
}

nvmlComputeInstance_st* MockMachine::ComputeInstance(uint32_t gpu_index,
                                                     uint32_t gi, uint32_t ci) {
  auto it = by_key_.find(MigKey{gpu_index, gi, ci});
  if (it == by_key_.end() || !it->second->present) return nullptr;
  return it->second;
}

const MigDeviceProfile* MockMachine::FirstOfGpuInstance(uint32_t gpu_index,
                                                        uint32_t gi) const {
  for (const auto& d : profile_.gpus[gpu_index].mig.devices) {
    if (d.gpu_instance_id == gi) return &d;
  }
  return nullptr;
}

}  // namespace gpulet::mock
