#include "fault_driver.h"

namespace gpulet::soak {

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

void FaultDriver::Run() {
  while (!stopping_) {
    InjectOne();
    Sleep(std::chrono::milliseconds(Uniform(200, 1500)));
  }
}

bool FaultDriver::Sleep(std::chrono::milliseconds d) const {
  Clock::time_point end = Clock::now() + d;
  while (!stopping_ && Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !stopping_;
}

std::optional<std::chrono::milliseconds> FaultDriver::WaitFor(
    const std::function<bool()>& done, Clock::time_point since,
    std::chrono::milliseconds timeout) const {
  while (true) {
    if (done()) return Since(since);
    if (Clock::now() > since + timeout) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace gpulet::soak
