#include "extender/queue_gate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "http/prometheus_text.h"
#include "sched/queue_shares.h"

namespace gpulet::extender {

QueueVerdict DecideQueue(
    const std::string& queue, const std::map<std::string, QueueShare>& shares,
    const gang::ResourceAmounts& ask, bool new_group,
    const std::function<bool(const std::string&)>& below_share_fits) {
  auto it = shares.find(queue);
  if (it == shares.end()) {
    return {false, "QueueNotFound",
            absl::StrCat("queue ", queue, " does not exist")};
  }
  const QueueShare& own = it->second;
  if (!own.spec.open && new_group) {
    return {false, "QueueClosed",
            absl::StrCat("queue ", queue, " is closed: it admits no new group")};
  }
  if (std::string over = gang::Exceeds(own.spec.capability, own.allocated, ask);
      !over.empty()) {
    return {false, "QueueCapability",
            absl::StrCat("queue ", queue, " would exceed its capability: ",
                         over)};
  }
  if (ask.gpu_milli <= 0 ||
      static_cast<double>(own.allocated.gpu_milli) < own.deserved_gpu_milli) {
    return {};
  }
  for (const auto& [name, other] : shares) {
    // A Closed queue admits no new group: its pending pods would hold the
    // others back for nothing.
    if (name == queue || other.pending_gpu_milli <= 0 || !other.spec.open ||
        static_cast<double>(other.allocated.gpu_milli) >=
            other.deserved_gpu_milli) {
      continue;
    }
    if (below_share_fits(name)) {
      return {false, "QueueOverShare",
              absl::StrCat("queue ", queue, " holds ", own.allocated.gpu_milli,
                           " of its deserved ",
                           std::llround(own.deserved_gpu_milli),
                           " milli-GPU while queue ", name, " (",
                           other.allocated.gpu_milli, " of ",
                           std::llround(other.deserved_gpu_milli),
                           ") has a pending pod that fits")};
    }
  }
  return {};
}

std::string RenderQueueMetrics(const std::map<std::string, QueueShare>& shares) {
  std::string out;
  http::AppendMetricFamily(out, "gpulet_extender_queue_gpu_milli", "gauge",
                           "Milli-GPU each queue holds, deserves and has pending.");
  for (const auto& [name, share] : shares) {
    http::AppendSample(out, "gpulet_extender_queue_gpu_milli",
                       {{"queue", name}, {"kind", "allocated"}},
                       std::to_string(share.allocated.gpu_milli));
    http::AppendSample(out, "gpulet_extender_queue_gpu_milli",
                       {{"queue", name}, {"kind", "deserved"}},
                       std::to_string(std::llround(share.deserved_gpu_milli)));
    http::AppendSample(out, "gpulet_extender_queue_gpu_milli",
                       {{"queue", name}, {"kind", "pending"}},
                       std::to_string(share.pending_gpu_milli));
  }
  return out;
}

QueueGate::Pending QueueGate::PendingAt(Clock::time_point now, bool force) {
  // Read before the view, so that a change made while it is read bumps
  // the generation past what the view is stamped with.
  uint64_t generation = generation_ ? generation_() : 0;
  if (!force) {
    std::lock_guard<std::mutex> lock(mu_);
    bool unchanged = generation_ && generation == cached_.generation;
    if (cached_.at != Clock::time_point{} &&
        (now - cached_.at < refresh_ || unchanged)) {
      return cached_;
    }
  }
  Pending fresh{now, generation, pending_()};
  std::lock_guard<std::mutex> lock(mu_);
  cached_ = fresh;
  return fresh;
}

std::map<std::string, QueueShare> QueueGate::SharesFrom(
    const Pending& pending, int64_t cluster_gpu_milli, const std::string& asking,
    int64_t ask_milli) const {
  std::map<std::string, QueueShare> shares;
  for (gang::QueueSpec& spec : registry_->Queues()) {
    std::string name = spec.name;
    shares[name].spec = std::move(spec);
  }
  if (!shares.contains(std::string(kDefaultQueue))) {
    shares[std::string(kDefaultQueue)].spec.name = std::string(kDefaultQueue);
  }
  for (auto& [name, used] : usage_()) {
    if (auto it = shares.find(name); it != shares.end()) {
      it->second.allocated = used;
    }
  }
  for (const auto& [name, pods] : pending.by_queue) {
    auto it = shares.find(name);
    if (it == shares.end()) continue;
    for (const PodDemand& pod : pods) {
      it->second.pending_gpu_milli += AmountsOf(pod).gpu_milli;
    }
  }
  if (auto it = shares.find(asking); it != shares.end()) {
    it->second.pending_gpu_milli = std::max(it->second.pending_gpu_milli, ask_milli);
  }
  std::vector<sched::QueueClaim> claims;
  for (const auto& [name, share] : shares) {
    sched::QueueClaim claim;
    claim.weight = static_cast<double>(share.spec.weight);
    claim.request = static_cast<double>(share.allocated.gpu_milli +
                                        share.pending_gpu_milli);
    if (share.spec.capability.gpu_milli) {
      claim.capability = static_cast<double>(*share.spec.capability.gpu_milli);
    }
    if (share.spec.guarantee.gpu_milli) {
      claim.guarantee = static_cast<double>(*share.spec.guarantee.gpu_milli);
    }
    claims.push_back(claim);
  }
  std::vector<double> deserved =
      sched::DeservedShares(static_cast<double>(cluster_gpu_milli), claims);
  size_t i = 0;
  for (auto& [name, share] : shares) share.deserved_gpu_milli = deserved[i++];
  return shares;
}

QueueVerdict QueueGate::Admit(
    const std::string& queue, const gang::ResourceAmounts& ask, bool new_group,
    int64_t cluster_gpu_milli,
    const std::function<PendingPodNow(const PodDemand&)>& check,
    Clock::time_point now) {
  Pending pending = PendingAt(now);
  for (bool reread = false;; reread = true) {
    bool stale = false;
    std::map<std::string, QueueShare> shares =
        SharesFrom(pending, cluster_gpu_milli, queue, ask.gpu_milli);
    QueueVerdict verdict = DecideQueue(
        queue, shares, ask, new_group, [&](const std::string& name) {
          auto it = pending.by_queue.find(name);
          if (it == pending.by_queue.end()) return false;
          const QueueShare& other = shares.at(name);
          // The oldest few still pending are enough to tell: a queue whose
          // first pods do not fit is not starved by this one.
          int looked = 0;
          for (const PodDemand& pod : it->second) {
            // Nor by a pod its own queue's capability keeps waiting.
            PendingPodNow now_is =
                gang::Exceeds(other.spec.capability, other.allocated, AmountsOf(pod)).empty()
                    ? check(pod)
                    : PendingPodNow::kDoesNotFit;
            switch (now_is) {
              case PendingPodNow::kGone:
                continue;
              case PendingPodNow::kFits:
                return true;
              case PendingPodNow::kDoesNotFit:
                break;
            }
            if (++looked == 4) return false;
          }
          stale = looked == 0;
          return false;
        });
    if (!stale || reread) return verdict;
    pending = PendingAt(now, /*force=*/true);
  }
}

std::map<std::string, QueueShare> QueueGate::Shares(int64_t cluster_gpu_milli,
                                                    Clock::time_point now) {
  return SharesFrom(PendingAt(now), cluster_gpu_milli);
}

}  // namespace gpulet::extender
