#include "health/clock.h"

namespace gpulet::health {
namespace {

class SteadyClock final : public Clock {
 public:
  // Clock
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

const Clock& Clock::Steady() {
  static const SteadyClock* const clock = new SteadyClock();
  return *clock;
}

}  // namespace gpulet::health
