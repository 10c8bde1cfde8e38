#include "cli/simulate_command.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "cli/simulate_gangs.h"
#include "sched/experiment.h"
#include "sched/paper_summary.h"
#include "sched/policy_factory.h"
#include "sched/report.h"
#include "sched/trace.h"

namespace gpulet::cli {
namespace {

struct SimulateFlags {
  std::string workload = "trace";
  std::string nodes;
  std::vector<std::string> pods;
  std::vector<std::string> policies = {"fgd", "bestfit"};
  std::string seeds = "42-51";
  double tune = 1.3;
  std::string paper;
  std::string output;
  std::string format = "table";
  int jobs = 0;
  bool policy_given = false;
  GangFlags gangs;
};

int Threads(const SimulateFlags& flags) {
  if (flags.jobs > 0) return flags.jobs;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Redraws one line on stderr; only used when stderr is a terminal.
void DrawProgress(int finished, int total) {
  constexpr int kWidth = 40;
  int filled = total > 0 ? finished * kWidth / total : kWidth;
  std::cerr << "\r[" << std::string(filled, '#')
            << std::string(kWidth - filled, ' ') << "] " << finished << "/"
            << total << (finished == total ? "\n" : "") << std::flush;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<sched::RunKey>> MakeKeys(
    const SimulateFlags& flags, int workloads) {
  ASSIGN_OR_RETURN(std::vector<uint64_t> seeds, ParseSeeds(flags.seeds));
  const std::vector<std::string>& known = sched::PolicyNames();
  for (const std::string& policy : flags.policies) {
    if (std::find(known.begin(), known.end(), policy) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown policy '", policy, "' in --policy"));
    }
  }
  std::vector<sched::RunKey> keys;
  for (int w = 0; w < workloads; ++w) {
    for (const std::string& policy : flags.policies) {
      for (uint64_t seed : seeds) keys.push_back({w, policy, seed});
    }
  }
  return keys;
}

absl::Status RunGangs(const SimulateFlags& flags) {
  if (!flags.pods.empty()) {
    return absl::InvalidArgumentError(
        "--pods is for --workload trace; --workload gangs generates its jobs");
  }
  GangRunPlan plan;
  plan.nodes = flags.nodes;
  if (flags.policy_given) plan.policies = flags.policies;
  ASSIGN_OR_RETURN(plan.seeds, ParseSeeds(flags.seeds));
  plan.format = flags.format;
  plan.threads = Threads(flags);
  return RunGangSimulation(flags.gangs, plan);
}

absl::Status RunSimulate(const SimulateFlags& flags) {
  if (flags.workload == "gangs") return RunGangs(flags);
  if (flags.nodes.empty() || flags.pods.empty()) {
    return absl::InvalidArgumentError(
        "--workload trace needs --nodes and --pods (the trace's CSV files)");
  }
  ASSIGN_OR_RETURN(sched::TraceCluster cluster,
                   sched::LoadNodeFile(flags.nodes));
  std::vector<sched::TraceWorkload> workloads;
  for (const std::string& path : flags.pods) {
    ASSIGN_OR_RETURN(sched::TraceWorkload workload,
                     sched::LoadPodFile(path, cluster.models));
    workloads.push_back(std::move(workload));
  }
  std::unique_ptr<sched::PaperSummary> paper;
  if (!flags.paper.empty()) {
    ASSIGN_OR_RETURN(sched::PaperSummary summary,
                     sched::PaperSummary::Load(flags.paper));
    paper = std::make_unique<sched::PaperSummary>(std::move(summary));
  }
  ASSIGN_OR_RETURN(std::vector<sched::RunKey> keys,
                   MakeKeys(flags, static_cast<int>(workloads.size())));
  sched::ExperimentOptions options;
  options.threads = Threads(flags);
  options.tune_ratio = flags.tune;
  if (isatty(STDERR_FILENO)) options.progress = DrawProgress;
  ASSIGN_OR_RETURN(std::vector<sched::RunOutcome> outcomes,
                   sched::RunExperiments(cluster, workloads, keys, options));
  if (!flags.output.empty()) {
    RETURN_IF_ERROR(WriteFile(
        flags.output, sched::FormatRunsCsv(workloads, outcomes, flags.tune,
                                           cluster.gpu_capacity_milli())));
  }
  std::vector<sched::PolicySummary> summaries =
      sched::Summarize(workloads, outcomes);
  std::cout << (flags.format == "json"
                    ? sched::FormatJson(summaries, paper.get())
                    : sched::FormatTable(summaries, paper.get()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> ParseSeeds(absl::string_view text) {
  std::vector<uint64_t> seeds;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::vector<absl::string_view> range = absl::StrSplit(part, '-');
    uint64_t first = 0, last = 0;
    bool ok = range.size() <= 2 && absl::SimpleAtoi(range[0], &first) &&
              absl::SimpleAtoi(range.back(), &last) && first <= last &&
              last - first < 100000;
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad seed or seed range '", part, "' in --seeds"));
    }
    for (uint64_t seed = first; seed <= last; ++seed) seeds.push_back(seed);
  }
  return seeds;
}

void AddSimulateCommand(CLI::App& app, const CommandContext& /*context*/,
                        CommandRunner& runner) {
  auto flags = std::make_shared<SimulateFlags>();
  CLI::App* command = app.add_subcommand(
      "simulate",
      "Replay a GPU cluster trace through scheduling policies (FGD paper "
      "protocol) and report GPU allocation, or simulate gang jobs and queues "
      "(--workload gangs)");
  command->add_option("--workload", flags->workload,
                      "trace (replay --pods) or gangs (synthetic jobs)")
      ->check(CLI::IsMember({"trace", "gangs"}))
      ->capture_default_str();
  command->add_option("--nodes", flags->nodes,
                      "node list CSV (trace: required; gangs: optional)");
  command->add_option("--pods", flags->pods,
                      "pod list CSV(s) (trace only, required)")
      ->delimiter(',');
  CLI::Option* policy =
      command->add_option("--policy", flags->policies,
                          "policies, comma-separated (gangs default: "
                          "fgd-pods,gpulet,volcano)")
          ->delimiter(',')
          ->capture_default_str();
  command->add_option("--seeds", flags->seeds, "seeds, e.g. 42-51 or 1,2,3")
      ->capture_default_str();
  command->add_option("--tune", flags->tune,
                      "pad or thin the pods to this multiple of GPU capacity")
      ->capture_default_str();
  command->add_option("--paper", flags->paper,
                      "the paper's summary CSV, shown side by side");
  command->add_option("--output", flags->output, "write per-run CSV here");
  command->add_option("--format", flags->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->add_option("--jobs", flags->jobs,
                      "worker threads (default: all cores)");
  AddGangFlags(*command, flags->gangs);
  command->callback([flags, policy, &runner] {
    flags->policy_given = policy->count() > 0;
    runner = [flags] {
      absl::Status status = RunSimulate(*flags);
      if (status.ok()) return 0;
      std::cerr << "gpulet simulate: " << status.message() << "\n";
      return 1;
    };
  });
}

}  // namespace gpulet::cli
