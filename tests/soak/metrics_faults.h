// MetricsFaults: slow clients of the agent's metrics port — several
// connections that send a request one byte at a time, as a stuck scraper
// or an attacker on the node network would — while a prober asks /healthz
// on fresh connections, which must still answer within 1 s.
//
// Thread-safety: as FaultDriver.
#ifndef GPULET_TESTS_SOAK_METRICS_FAULTS_H_
#define GPULET_TESTS_SOAK_METRICS_FAULTS_H_

#include <optional>

#include "fault_driver.h"

namespace gpulet::soak {

class MetricsFaults final : public FaultDriver {
 public:
  using FaultDriver::FaultDriver;

 protected:
  // FaultDriver
  void InjectOne() override;

 private:
  // GET /healthz on a new connection: the time to the status line, or
  // nullopt when it took longer than 2 s or failed.
  std::optional<std::chrono::milliseconds> ProbeHealthz() const;
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_METRICS_FAULTS_H_
