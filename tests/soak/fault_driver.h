// FaultDriver: a thread that injects one family of faults after another
// until the soak's deadline, each from a seeded random choice, and records
// in the SoakReport whether the agent came through and how fast.
//
// The families run side by side (health faults, the faults that change
// the agent's config, inputs and peers, slow metrics clients), so faults of
// different families overlap as they would on a node.
//
// Thread-safety: Run() is the thread's body; Stop() may be called from any
// thread and makes Run() undo its current fault and return.
#ifndef GPULET_TESTS_SOAK_FAULT_DRIVER_H_
#define GPULET_TESTS_SOAK_FAULT_DRIVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include "invariant_checker.h"
#include "soak_report.h"
#include "soak_rig.h"

namespace gpulet::soak {

class FaultDriver {
 public:
  FaultDriver(SoakRig& rig, SoakReport& report, uint64_t seed)
      : rig_(rig), report_(report), random_(seed) {}
  virtual ~FaultDriver() = default;

  // Injects faults until Stop().
  void Run();
  void Stop() { stopping_ = true; }

 protected:
  // One fault, injected, waited out and recorded.
  virtual void InjectOne() = 0;

  // Sleeps `d` unless stopping; false when stopping.
  bool Sleep(std::chrono::milliseconds d) const;
  // Polls `done` every 10 ms until it holds (its time since `since`) or
  // `timeout` after `since` passes (nullopt).
  std::optional<std::chrono::milliseconds> WaitFor(const std::function<bool()>& done,
                                                   Clock::time_point since,
                                                   std::chrono::milliseconds timeout) const;
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool stopping() const { return stopping_; }

  SoakRig& rig_;
  SoakReport& report_;
  std::mt19937_64 random_;

 private:
  std::atomic<bool> stopping_{false};
};

// Milliseconds between two instants.
std::chrono::milliseconds Since(Clock::time_point start);

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_FAULT_DRIVER_H_
