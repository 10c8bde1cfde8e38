#include "health/health_snapshot.h"

namespace gpulet::health {

bool HealthSnapshot::IsHealthy(std::string_view uuid) const {
  const DeviceHealth* health = Find(uuid);
  return health == nullptr || health->healthy;
}

const DeviceHealth* HealthSnapshot::Find(std::string_view uuid) const {
  auto it = devices_.find(uuid);
  return it == devices_.end() ? nullptr : &it->second;
}

}  // namespace gpulet::health
