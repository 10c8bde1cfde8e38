#include "health_faults.h"

#include "absl/strings/str_cat.h"

namespace gpulet::soak {
namespace {

// Critical by default (health/xid_policy.h) and ignored by default.
constexpr int kFatalXids[] = {48, 74, 79, 92, 94, 95, 119};
constexpr int kBenignXids[] = {13, 31, 43, 45, 68, 109};
constexpr auto kUnhealthyDeadline = std::chrono::seconds(1);
// Health is polled and this machine is slow under the sanitizers: past the
// window the GPU gets this long to be Healthy again.
constexpr auto kRecoverySlack = std::chrono::seconds(5);

}  // namespace

void HealthFaults::InjectOne() {
  std::vector<int> gpus = StableGpus();
  int gpu = gpus[Uniform(0, static_cast<int>(gpus.size()) - 1)];
  switch (Uniform(0, 9)) {
    case 0: case 1: case 2: case 3: FatalXid(gpu); break;
    case 4: case 5: case 6: BenignXid(gpu); break;
    default: FallOffTheBus(gpu); break;
  }
}

bool HealthFaults::ExpectUnhealthy(int gpu, Clock::time_point since, bool withdrawn_counts) {
  InvariantChecker& checker = rig_.checker();
  auto unhealthy = [&] {
    InvariantChecker::GpuHealth h = checker.Health(gpu);
    return h.healthy == 0 && (withdrawn_counts || h.unhealthy > 0);
  };
  std::optional<std::chrono::milliseconds> took = WaitFor(unhealthy, since, kUnhealthyDeadline);
  if (took.has_value()) return true;
  took = WaitFor(unhealthy, since, std::chrono::seconds(10));
  checker.Violate(kUnhealthyLate,
                  absl::StrCat("GPU ", gpu, ": ",
                               took.has_value() ? absl::StrCat(took->count(), " ms") : "never"));
  return false;
}

std::optional<std::chrono::milliseconds> HealthFaults::ExpectRecovered(int gpu,
                                                                      Clock::time_point since) {
  InvariantChecker& checker = rig_.checker();
  auto healthy = [&] {
    InvariantChecker::GpuHealth h = checker.Health(gpu);
    return h.unhealthy == 0 && h.healthy > 0;
  };
  std::optional<std::chrono::milliseconds> took =
      WaitFor(healthy, since, rig_.options().recovery_window + kRecoverySlack);
  if (!took.has_value()) {
    checker.Violate(kNotRecovered, absl::StrCat("GPU ", gpu, " not Healthy ",
                                                Since(since).count(), " ms after its fault"));
  }
  return took;
}

void HealthFaults::FatalXid(int gpu) {
  int xid = kFatalXids[Uniform(0, std::size(kFatalXids) - 1)];
  InvariantChecker& checker = rig_.checker();
  // An XID is its own last event: the window starts now.
  checker.BeginGpuFault(gpu);
  checker.EndGpuFault(gpu);
  Clock::time_point start = Clock::now();
  rig_.Control(absl::StrCat("xid ", gpu, " ", xid));
  bool unhealthy = ExpectUnhealthy(gpu, start, /*withdrawn_counts=*/false);
  std::optional<std::chrono::milliseconds> recovered = ExpectRecovered(gpu, start);
  report_.Record("fatal XID", unhealthy && recovered.has_value(), recovered);
}

void HealthFaults::BenignXid(int gpu) {
  // Only a GPU in good health can show that the XID changed nothing.
  if (!ExpectRecovered(gpu, Clock::now()).has_value()) return;
  int xid = kBenignXids[Uniform(0, std::size(kBenignXids) - 1)];
  Clock::time_point start = Clock::now();
  rig_.Control(absl::StrCat("xid ", gpu, " ", xid));
  bool stayed_healthy = true;
  while (Since(start) < std::chrono::milliseconds(1500)) {
    if (rig_.checker().Health(gpu).unhealthy > 0) stayed_healthy = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!stayed_healthy) {
    rig_.checker().Violate(kSpuriousUnhealthy,
                           absl::StrCat("benign XID ", xid, " made GPU ", gpu, " Unhealthy"));
  }
  report_.Record("benign XID", stayed_healthy, std::nullopt);
}

void HealthFaults::FallOffTheBus(int gpu) {
  InvariantChecker& checker = rig_.checker();
  checker.BeginGpuFault(gpu);
  Clock::time_point start = Clock::now();
  rig_.Control(absl::StrCat("lost ", gpu));
  bool unhealthy = ExpectUnhealthy(gpu, start, /*withdrawn_counts=*/true);
  // Stopping cuts the outage short; the GPU must still come back.
  Sleep(std::chrono::milliseconds(Uniform(1000, 3000)));
  rig_.Control(absl::StrCat("restore ", gpu));
  checker.EndGpuFault(gpu);
  std::optional<std::chrono::milliseconds> recovered = ExpectRecovered(gpu, Clock::now());
  report_.Record("GPU lost and back", unhealthy && recovered.has_value(), recovered);
}

}  // namespace gpulet::soak
