// FakeClock: a Clock that moves only when told to, for tests.
//
// Thread-safe.
#ifndef GPULET_HEALTH_FAKE_CLOCK_H_
#define GPULET_HEALTH_FAKE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "health/clock.h"

namespace gpulet::health {

class FakeClock final : public Clock {
 public:
  FakeClock() = default;

  void Advance(std::chrono::nanoseconds by) {
    absl::MutexLock lock(&mu_);
    now_ += by;
  }

  // Clock
  TimePoint Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }

 private:
  mutable absl::Mutex mu_;
  TimePoint now_ ABSL_GUARDED_BY(mu_) = TimePoint{} + std::chrono::hours(1);
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_FAKE_CLOCK_H_
