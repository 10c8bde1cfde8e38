// MockMachine: the handles a mock NVML hands out (devices, MIG devices, GPU
// and compute instances) over the current MachineProfile.
//
// NVML clients keep handles for the life of the process, so a handle here is
// never freed: replacing the profile (a reload that changes the MIG layout)
// keeps every handle whose identity survives (a GPU by index, a MIG device by
// GPU + GPU instance id + compute instance id) and marks the others absent,
// which makes calls on them fail cleanly instead of touching freed memory.
//
// Not thread-safe: MockDriver serialises all access under its mutex.
#ifndef GPULET_MOCK_NVML_MOCK_MACHINE_H_
#define GPULET_MOCK_NVML_MOCK_MACHINE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_abi.h"

// The opaque NVML handle types, defined for the mock.
struct nvmlDevice_st {
  bool is_mig = false;
  bool present = true;
  uint32_t gpu_index = 0;
  uint32_t mig_index = 0;  // MIG only: index in the parent's device list
  nvmlDevice_st* parent = nullptr;  // MIG only
};

struct nvmlGpuInstance_st {
  bool present = true;
  uint32_t gpu_index = 0;
  uint32_t id = 0;
};

struct nvmlComputeInstance_st {
  bool present = true;
  nvmlGpuInstance_st* gpu_instance = nullptr;
  nvmlDevice_st* mig_device = nullptr;
  uint32_t id = 0;
};

namespace gpulet::mock {

class MockMachine {
 public:
  MockMachine() = default;
  MockMachine(const MockMachine&) = delete;
  MockMachine& operator=(const MockMachine&) = delete;

  // Makes `profile` current. Returns the indices of the GPUs whose MIG
  // configuration (mode or devices) differs from before.
  std::vector<uint32_t> Apply(MachineProfile profile);

  const MachineProfile& profile() const { return profile_; }
  uint32_t gpu_count() const { return static_cast<uint32_t>(profile_.gpus.size()); }

  nvmlDevice_st* Gpu(uint32_t index) { return gpus_[index].get(); }
  // The MIG device at `mig_index` of GPU `gpu_index`, or nullptr.
  nvmlDevice_st* MigDevice(uint32_t gpu_index, uint32_t mig_index);
  nvmlGpuInstance_st* GpuInstance(uint32_t gpu_index, uint32_t gi);
  nvmlComputeInstance_st* ComputeInstance(uint32_t gpu_index, uint32_t gi,
                                          uint32_t ci);

  // Whether `p` is a handle of this kind that the machine handed out (an
  // unknown pointer must never be dereferenced).
  bool IsDevice(const void* p) const { return devices_.contains(p); }
  bool IsGpuInstance(const void* p) const { return gis_.contains(p); }
  bool IsComputeInstance(const void* p) const { return cis_.contains(p); }

  // Profile data behind present handles.
  const GpuProfile& GpuOf(const nvmlDevice_st* d) const {
    return profile_.gpus[d->gpu_index];
  }
  const MigDeviceProfile& MigOf(const nvmlDevice_st* d) const {
    return profile_.gpus[d->gpu_index].mig.devices[d->mig_index];
  }
  // The first MIG device of a GPU instance (it carries the GI's profile).
  const MigDeviceProfile* FirstOfGpuInstance(uint32_t gpu_index,
                                             uint32_t gi) const;

 private:
  using MigKey = std::tuple<uint32_t, uint32_t, uint32_t>;  // gpu, gi, ci

  template <typename T>
  static T* Track(std::deque<std::unique_ptr<T>>& store,
                  absl::flat_hash_set<const void*>& index) {
    store.push_back(std::make_unique<T>());
    index.insert(store.back().get());
    return store.back().get();
  }
  void MarkAllAbsent();
  void AttachMigDevices(uint32_t gpu_index);

  MachineProfile profile_;
  std::deque<std::unique_ptr<nvmlDevice_st>> gpus_;
  std::deque<std::unique_ptr<nvmlDevice_st>> migs_;
  std::deque<std::unique_ptr<nvmlGpuInstance_st>> gi_store_;
  std::deque<std::unique_ptr<nvmlComputeInstance_st>> ci_store_;
  absl::flat_hash_map<MigKey, nvmlComputeInstance_st*> by_key_;
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, nvmlGpuInstance_st*>
      gi_by_key_;
  absl::flat_hash_set<const void*> devices_;
  absl::flat_hash_set<const void*> gis_;
  absl::flat_hash_set<const void*> cis_;
};

// Whether two MIG configurations differ as a client would notice.
bool MigLayoutDiffers(const MigProfile& a, const MigProfile& b);

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_MOCK_MACHINE_H_
