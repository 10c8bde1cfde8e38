// ResourceSampler: the agent's open file descriptors and memory, sampled
// once a second, and the check that they stay bounded: after warm-up the
// median of a baseline window is compared with the median of the last
// samples, taken once every fault is undone.
//
// Both resident memory (VmRSS) and its anonymous part (RssAnon: heap,
// stacks) are kept: VmRSS also moves with the program's file pages, which
// the agent releases once registered and which come back as code paths
// run (docs/node.md), so RssAnon is where a leak shows.
//
// Thread-compatible: the monitor thread samples, the main thread reads the
// result after the faults stop.
#ifndef GPULET_TESTS_SOAK_RESOURCE_SAMPLER_H_
#define GPULET_TESTS_SOAK_RESOURCE_SAMPLER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::soak {

struct ResourceSample {
  int64_t fds = 0;
  int64_t rss_kib = 0;
  int64_t anon_kib = 0;
};

// Reads /proc/<pid>/status and /proc/<pid>/fd; NotFound once it is gone.
absl::StatusOr<ResourceSample> SampleProcess(pid_t pid);

struct ResourceGrowth {
  ResourceSample baseline, final, peak;
};

class ResourceSampler {
 public:
  void Add(const ResourceSample& sample, bool baseline_window);
  // Medians of the baseline window and of the last `last` samples.
  ResourceGrowth Growth(size_t last) const;

 private:
  std::vector<ResourceSample> baseline_;
  std::vector<ResourceSample> all_;
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_RESOURCE_SAMPLER_H_
