#include "sched/queue_shares.h"

#include <algorithm>

namespace gpulet::sched {
namespace {

// Shares are in milli-GPU; anything below this is rounding.
constexpr double kEpsilon = 1e-6;

}  // namespace

std::vector<double> DeservedShares(double total, const std::vector<QueueClaim>& claims) {
  const size_t n = claims.size();
  std::vector<double> deserved(n, 0);
  std::vector<double> limit(n, 0);
  std::vector<bool> wanting(n, false);
  double remaining = total;
  for (size_t i = 0; i < n; ++i) {
    const QueueClaim& claim = claims[i];
    deserved[i] = std::max(0.0, claim.guarantee);
    limit[i] = std::max(deserved[i], std::min(claim.request, claim.capability));
    wanting[i] = claim.weight > 0 && deserved[i] + kEpsilon < limit[i];
    remaining -= deserved[i];
  }
  while (remaining > kEpsilon) {
    double weights = 0;
    for (size_t i = 0; i < n; ++i) {
      if (wanting[i]) weights += claims[i].weight;
    }
    if (weights <= 0) break;
    double dealt = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!wanting[i]) continue;
      double offer = remaining * claims[i].weight / weights;
      double taken = std::min(offer, limit[i] - deserved[i]);
      deserved[i] += taken;
      dealt += taken;
      if (deserved[i] + kEpsilon >= limit[i]) wanting[i] = false;
    }
    remaining -= dealt;
    if (dealt <= kEpsilon) break;
  }
  return deserved;
}

}  // namespace gpulet::sched
