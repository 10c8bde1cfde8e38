// StructuralFaults: the faults that change what the agent runs on, one at
// a time — kubelet restarts, MIG re-layouts, a config replaced by garbage
// (through SIGHUP and through the node label) and then fixed, features.d
// read-only or full, and API server errors (500, 410 Gone on the watch,
// requests slower than the client's timeout, dropped watch connections).
//
// Most end with a config switch whose arrival in both the device lists and
// the labels is the measured recovery: it shows the path the fault hit
// works again.
//
// Thread-safety: as FaultDriver.
#ifndef GPULET_TESTS_SOAK_STRUCTURAL_FAULTS_H_
#define GPULET_TESTS_SOAK_STRUCTURAL_FAULTS_H_

#include <map>
#include <string>

#include "fault_driver.h"

namespace gpulet::soak {

class StructuralFaults final : public FaultDriver {
 public:
  StructuralFaults(SoakRig& rig, SoakReport& report, uint64_t seed);

 protected:
  // FaultDriver
  void InjectOne() override;

 private:
  void RestartKubelet();
  void Relayout();
  void GarbageBySighup();
  void GarbageByLabel();
  // Makes features.d unwritable with `set`, for the labels of a new config.
  void FeaturesFault(const std::string& fault, absl::Status (FeaturesDir::*set)(bool));
  void ApiFault(int kind);

  // Points the node label at the good config not in use, giving it other
  // replicas than the running one; returns the replicas to expect.
  int SwitchConfig();
  // Waits for `replicas` in the lists and the labels from `since`; records
  // `fault` with the time, or a violation after `timeout`.
  void ExpectConfig(const std::string& fault, int replicas, Clock::time_point since,
                    std::chrono::milliseconds timeout);
  std::string Garbage();

  std::string selected_;              // the config the label names
  std::map<std::string, int> replicas_;  // what each good config holds
  size_t layout_ = 0;
  int garbage_ = 0;
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_STRUCTURAL_FAULTS_H_
