#include "extender/soak/soak_check.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/json_fields.h"
#include "handoff/annotations.h"
#include "handoff/pod_decision.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;

SoakReport CheckOnce(const kube::testing::FakeApiServer& api, ClusterModel& model,
                     Extender& extender, const std::vector<std::string>& nodes) {
  SoakReport report;
  // One copy of each side, so that every row describes the same moment of
  // the extender (its watch may still be catching up).
  std::map<std::string, Grant> grants = extender.grants().All();
  std::vector<Json> pods = api.Objects("pods");
  for (const auto& [uid, grant] : grants) {
    if (grant.state == GrantState::kBound) {
      ++report.bound_grants;
    } else {
      ++report.leftover_reservations;
    }
  }
  // Milli-GPU per node and GPU index, from the decisions of running pods.
  std::map<std::string, std::map<int, int64_t>> used;
  std::set<std::string> running;
  for (const Json& pod : pods) {
    std::string node = StringAt(pod, {"spec", "nodeName"});
    std::string phase = StringAt(pod, {"status", "phase"});
    if (node.empty() || phase == "Succeeded" || phase == "Failed") continue;
    ++report.running_pods;
    std::string uid = StringAt(pod, {"metadata", "uid"});
    running.insert(uid);
    auto grant = grants.find(uid);
    if (grant == grants.end() || grant->second.state != GrantState::kBound) {
      ++report.missing_grants;
    }
    std::string annotation;
    if (auto a = pod["metadata"].find("annotations"); a != pod["metadata"].end()) {
      annotation = a->value(std::string(handoff::kDecisionAnnotation), "");
    }
    absl::StatusOr<handoff::PodDecision> decision = handoff::DecodePodDecision(annotation);
    if (!decision.ok() || decision->node != node) {
      ++report.undecided_pods;
      continue;
    }
    for (const handoff::ContainerGrant& container : decision->containers) {
      for (const handoff::GpuGrant& gpu : container.gpus) used[node][gpu.index] += gpu.milli;
    }
  }
  for (const auto& [uid, grant] : grants) {
    if (grant.state != GrantState::kBound || running.count(uid)) continue;
    ++report.extra_grants;
    if (report.examples.size() < 5) {
      std::optional<Json> pod = api.GetPod(grant.demand.namespace_name, grant.demand.name);
      report.examples.push_back(absl::StrCat(
          "grant without a running pod: ", grant.demand.namespace_name, "/", grant.demand.name,
          " on ", grant.decision.node, grant.watched ? " (watched)" : " (not watched)",
          "; API server: ",
          !pod ? "no such pod"
               : absl::StrCat("node '", StringAt(*pod, {"spec", "nodeName"}), "' phase '",
                              StringAt(*pod, {"status", "phase"}), "' uid ",
                              StringAt(*pod, {"metadata", "uid"}))));
    }
  }
  std::shared_ptr<const sched::Snapshot> snapshot = model.ledger().snapshot();
  for (const std::string& name : nodes) {
    std::shared_ptr<const NodeInfo> info = model.Find(name);
    for (int g = 0; g < kSoakGpusPerNode; ++g) {
      int64_t milli = used[name][g];
      if (milli > handoff::kMilliPerGpu) ++report.over_capacity_gpus;
      if (info == nullptr || !info->present ||
          info->index >= static_cast<int>(snapshot->nodes.size()) ||
          snapshot->nodes[info->index]->gpu_free[g] != handoff::kMilliPerGpu - milli) {
        ++report.ledger_mismatches;
      }
    }
  }
  return report;
}

}  // namespace

SoakReport SettleAndCheck(const kube::testing::FakeApiServer& api, ClusterModel& model,
                          Extender& extender, const std::vector<std::string>& nodes) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds(20);
  SoakReport report;
  while (true) {
    extender.ReleaseExpired();
    report = CheckOnce(api, model, extender, nodes);
    report.settle_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (report.inconsistencies() == 0 || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return report;
}

void PrintReport(const SoakReport& report) {
  std::printf("\n%-44s %10s\n", "check after the faults stopped", "count");
  auto row = [](const char* name, int64_t value) {
    std::printf("%-44s %10lld\n", name, static_cast<long long>(value));
  };
  row("running GPU pods (API server)", report.running_pods);
  row("bound grants (extender)", report.bound_grants);
  row("reservations left past their TTL", report.leftover_reservations);
  row("running pods without a grant", report.missing_grants);
  row("grants without a running pod", report.extra_grants);
  row("GPUs granted over capacity", report.over_capacity_gpus);
  row("GPUs whose ledger differs from the decisions", report.ledger_mismatches);
  row("running pods without a decision", report.undecided_pods);
  std::printf("%-44s %10.1f\n", "seconds to settle", report.settle_seconds);
  std::printf("%-44s %10lld\n", "inconsistencies", static_cast<long long>(report.inconsistencies()));
  for (const std::string& example : report.examples) std::printf("  %s\n", example.c_str());
}

}  // namespace gpulet::extender
