// Deserved shares of one resource between queues, as Volcano's proportion
// plugin deals them: each queue starts from its guarantee, then what is
// left is dealt by weight, again and again, to the queues that still want
// more — a queue never deserves more than it asks (what it holds plus what
// its pods wait for) or than its capability. What a satisfied queue does
// not take is dealt to the others (water-filling).
//
// A stateless function; thread-safe.
#ifndef GPULET_SCHED_QUEUE_SHARES_H_
#define GPULET_SCHED_QUEUE_SHARES_H_

#include <limits>
#include <vector>

namespace gpulet::sched {

struct QueueClaim {
  double weight = 1;   // queues with no positive weight get only their guarantee
  double request = 0;  // held plus pending
  double capability = std::numeric_limits<double>::infinity();
  double guarantee = 0;
};

// One deserved amount per claim, in claim order. The sum never exceeds
// `total` unless the guarantees alone do.
std::vector<double> DeservedShares(double total, const std::vector<QueueClaim>& claims);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_QUEUE_SHARES_H_
