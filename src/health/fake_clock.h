// FakeClock: a Clock that moves only when told to, for tests.
//
// Thread-safe. Uses std::mutex, whose pthread calls ThreadSanitizer sees:
// Debian's abseil is not built with TSan, so absl::Mutex would look racy.
#ifndef GPULET_HEALTH_FAKE_CLOCK_H_
#define GPULET_HEALTH_FAKE_CLOCK_H_

#include <mutex>

#include "absl/base/thread_annotations.h"
#include "health/clock.h"

namespace gpulet::health {

class FakeClock final : public Clock {
 public:
  FakeClock() = default;

  void Advance(std::chrono::nanoseconds by) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += by;
  }

  // Clock
  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_ ABSL_GUARDED_BY(mu_) = TimePoint{} + std::chrono::hours(1);
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_FAKE_CLOCK_H_
