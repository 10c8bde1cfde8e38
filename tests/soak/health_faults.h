// HealthFaults: the GPU-health family of faults, one GPU at a time —
// a fatal XID, a benign (application) XID, and a GPU falling off the bus
// and answering again — each checked against the health contract: a
// fatal fault makes every device of the GPU Unhealthy within 1 s, they
// are Healthy again once the recovery window has passed quietly, and a
// benign XID changes nothing.
//
// Thread-safety: as FaultDriver.
#ifndef GPULET_TESTS_SOAK_HEALTH_FAULTS_H_
#define GPULET_TESTS_SOAK_HEALTH_FAULTS_H_

#include "fault_driver.h"

namespace gpulet::soak {

class HealthFaults final : public FaultDriver {
 public:
  using FaultDriver::FaultDriver;

 protected:
  // FaultDriver
  void InjectOne() override;

 private:
  void FatalXid(int gpu);
  void BenignXid(int gpu);
  void FallOffTheBus(int gpu);
  // Waits for every device of `gpu` to turn Unhealthy (withdrawn counts
  // when `withdrawn_counts`); false (and a violation) after 1 s.
  bool ExpectUnhealthy(int gpu, Clock::time_point since, bool withdrawn_counts);
  // The time from `since` until `gpu` is Healthy again, or nullopt (and a
  // violation) when the window plus slack passes first.
  std::optional<std::chrono::milliseconds> ExpectRecovered(int gpu, Clock::time_point since);
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_HEALTH_FAULTS_H_
