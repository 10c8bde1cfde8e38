// What gRPC sees of the CPU count, in the static build.
//
// gRPC sizes its thread pools by sysconf(_SC_NPROCESSORS_CONF): the event
// engine keeps cores (2..32) threads, the callback API's completion queue
// cores/2 (2..16). On a DGX H100 (224 logical CPUs) that is 55 threads for
// a device plugin that answers a few calls per pod start; each holds a
// stack and, under glibc, a malloc arena. Linked with -Wl,--wrap=sysconf,
// every sysconf call in the binary comes here and the CPU count is capped;
// everything else passes through. gRPC clamps the CPU it runs on to that
// count (gpr_cpu_current_cpu), so per-CPU shards stay in range.
#include <unistd.h>

#include <algorithm>

namespace {
constexpr long kGrpcCpus = 2;
}  // namespace

extern "C" long __real_sysconf(int name);

extern "C" long __wrap_sysconf(int name) {
  long value = __real_sysconf(name);
  if (name != _SC_NPROCESSORS_CONF && name != _SC_NPROCESSORS_ONLN) return value;
  return value > 0 ? std::min(value, kGrpcCpus) : value;
}
