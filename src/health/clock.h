// Clock: where health checks read the time, so that tests can move it.
//
// A seam with two implementations (the steady clock, FakeClock in tests).
// Implementations are thread-safe.
#ifndef GPULET_HEALTH_CLOCK_H_
#define GPULET_HEALTH_CLOCK_H_

#include <chrono>

namespace gpulet::health {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;

  // The process's steady clock; lives forever.
  static const Clock& Steady();
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_CLOCK_H_
