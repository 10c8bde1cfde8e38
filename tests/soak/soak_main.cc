// gpulet_soak: the chaos soak of `gpulet node` (scripts/soak.sh runs it).
//
//   gpulet_soak [--seconds=60] [--seed=1] [--gpulet=PATH] [--nvml-library=PATH]
//               [--machines-dir=DIR] [--recovery-window-ms=2000] [--report=FILE]
//               [--agent-log=FILE]
//
// Runs the agent on the mock DGX A100 (mixed MIG) against the kubelet
// emulator and the fake API server, injects faults from three drivers side
// by side for the given time, then lets the agent settle, stops it and
// prints the fault table and the invariant counters (also to --report).
// Exit 0: every invariant held and every fault was survived; 1: not; 2:
// the soak itself could not run.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "health_faults.h"
#include "metrics_faults.h"
#include "resource_sampler.h"
#include "soak_report.h"
#include "soak_rig.h"
#include "structural_faults.h"

namespace gpulet::soak {
namespace {

struct Flags {
  int64_t seconds = 60;
  uint64_t seed = 1;
  int64_t recovery_window_ms = 2000;
  std::string report;
  std::string agent_log;
  RigOptions rig = {.gpulet = GPULET_BINARY, .nvml_library = GPULET_MOCK_NVML_PATH,
                    .machines_dir = GPULET_MOCK_MACHINES_DIR};
};

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == std::string::npos) return false;
    std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    bool ok = true;
    if (name == "seconds") ok = absl::SimpleAtoi(value, &flags.seconds);
    else if (name == "seed") ok = absl::SimpleAtoi(value, &flags.seed);
    else if (name == "recovery-window-ms") ok = absl::SimpleAtoi(value, &flags.recovery_window_ms);
    else if (name == "report") flags.report = value;
    else if (name == "agent-log") flags.agent_log = value;
    else if (name == "gpulet") flags.rig.gpulet = value;
    else if (name == "nvml-library") flags.rig.nvml_library = value;
    else if (name == "machines-dir") flags.rig.machines_dir = value;
    else return false;
    if (!ok) return false;
  }
  flags.rig.recovery_window = std::chrono::milliseconds(flags.recovery_window_ms);
  return flags.seconds > 0;
}

// The monitor: watchers, the continuous checks and the resource samples,
// until told to stop or the agent dies.
class Monitor {
 public:
  Monitor(SoakRig& rig, Clock::time_point warm) : rig_(rig), warm_(warm) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Monitor() { Stop(); }
  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool agent_died() const { return died_; }
  const ResourceSampler& sampler() const { return sampler_; }

 private:
  void Run() {
    Clock::time_point next_sample = Clock::now();
    while (!stopping_ && !died_) {
      rig_.RefreshWatchers();
      rig_.checker().Poll();
      if (std::optional<int> code = rig_.AgentExit(); code.has_value()) {
        died_ = true;
        rig_.checker().Violate(kCrashed, absl::StrCat("gpulet node exited with ", *code,
                                                      " during the soak"));
      }
      if (Clock::now() >= next_sample) {
        next_sample += std::chrono::seconds(1);
        absl::StatusOr<ResourceSample> sample = SampleProcess(rig_.agent_pid());
        Clock::time_point now = Clock::now();
        if (sample.ok()) {
          sampler_.Add(*sample, now >= warm_ && now < warm_ + std::chrono::seconds(10));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  SoakRig& rig_;
  const Clock::time_point warm_;
  ResourceSampler sampler_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> died_{false};
  std::thread thread_;
};

// AddressSanitizer keeps freed memory in quarantine (256 MiB by default)
// and its own caches: resident memory grows by design, so the bound is a
// release-build check. The agent comes from the same tree as the driver.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kJudgeRss = false;
#else
constexpr bool kJudgeRss = true;
#endif

void CheckResources(InvariantChecker& checker, const ResourceGrowth& g) {
  // Connections to the API server and metrics clients come and go; more
  // than this many extra descriptors once everything is quiet is a leak.
  constexpr int64_t kFdSlack = 4;
  constexpr int64_t kRssSlackKiB = 1024;
  if (g.final.fds > g.baseline.fds + kFdSlack) {
    checker.Violate(kFdGrowth, absl::StrCat(g.baseline.fds, " -> ", g.final.fds, " fds"));
  }
  if (!kJudgeRss) return;
  if (g.final.rss_kib > g.baseline.rss_kib + kRssSlackKiB) {
    checker.Violate(kRssGrowth, absl::StrCat("VmRSS ", g.baseline.rss_kib, " -> ",
                                             g.final.rss_kib, " KiB"));
  }
  if (g.final.anon_kib > g.baseline.anon_kib + kRssSlackKiB) {
    checker.Violate(kRssGrowth, absl::StrCat("RssAnon ", g.baseline.anon_kib, " -> ",
                                             g.final.anon_kib, " KiB"));
  }
}

std::string InvariantTable(const InvariantChecker& checker) {
  std::map<std::string, int64_t> violations = checker.Violations();
  std::string out = "| invariant | violations |\n|---|---:|\n";
  for (const char* name : {kPhantomDevice, kUnhealthyLate, kHealthyEarly, kNotRecovered,
                           kSpuriousUnhealthy, kRegisterLate, kLabelsBroken,
                           kBrokenConfigApplied, kConfigNotApplied, kLayoutNotApplied,
                           kMetricsBlocked, kCrashed, kFdGrowth, kRssGrowth}) {
    absl::StrAppendFormat(&out, "| %s | %d |\n", name, violations[name]);
  }
  return out;
}

std::string ResourceTable(const ResourceGrowth& g) {
  std::string out = kJudgeRss ? "" : "RSS not judged: AddressSanitizer build\n\n";
  out += "| | after warm-up | end | peak |\n|---|---:|---:|---:|\n";
  absl::StrAppendFormat(&out, "| open fds | %d | %d | %d |\n", g.baseline.fds, g.final.fds,
                        g.peak.fds);
  absl::StrAppendFormat(&out, "| VmRSS KiB | %d | %d | %d |\n", g.baseline.rss_kib,
                        g.final.rss_kib, g.peak.rss_kib);
  absl::StrAppendFormat(&out, "| RssAnon KiB | %d | %d | %d |\n", g.baseline.anon_kib,
                        g.final.anon_kib, g.peak.anon_kib);
  return out;
}

int Soak(const Flags& flags) {
  absl::StatusOr<std::unique_ptr<SoakRig>> started = SoakRig::Start(flags.rig);
  if (!started.ok()) {
    std::cerr << "soak: " << started.status() << "\n";
    return 2;
  }
  SoakRig& rig = **started;
  Clock::time_point start = Clock::now();
  auto duration = std::chrono::seconds(flags.seconds);
  // Every fault kind has run a few times by then, so pools and caches
  // have their working size.
  auto warmup = std::max<Clock::duration>(std::chrono::seconds(20), duration / 10);
  Monitor monitor(rig, start + warmup);
  // The agent serves config "a" before the first fault.
  bool ready = false;
  for (int i = 0; i < 3000 && !ready; ++i) {
    ready = rig.checker().ConfigApplied(2);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!ready) {
    std::cerr << "soak: the agent never served config a\n"
              << rig.checker().Describe() << rig.LogTail(4000);
    for (const std::string& e : rig.checker().Examples()) std::cerr << e << "\n";
    return 2;
  }
  SoakReport report;
  std::vector<std::unique_ptr<FaultDriver>> drivers;
  drivers.push_back(std::make_unique<HealthFaults>(rig, report, flags.seed * 3 + 0));
  drivers.push_back(std::make_unique<StructuralFaults>(rig, report, flags.seed * 3 + 1));
  drivers.push_back(std::make_unique<MetricsFaults>(rig, report, flags.seed * 3 + 2));
  std::vector<std::thread> threads;
  for (auto& driver : drivers) threads.emplace_back([&driver] { driver->Run(); });
  while (Clock::now() < start + duration && !monitor.agent_died()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& driver : drivers) driver->Stop();
  for (std::thread& t : threads) t.join();
  // Quiet: every fault is undone; the last samples are taken at rest.
  std::this_thread::sleep_for(flags.rig.recovery_window + std::chrono::seconds(5));
  monitor.Stop();
  ResourceGrowth growth = monitor.sampler().Growth(5);
  CheckResources(rig.checker(), growth);
  if (!monitor.agent_died()) {
    std::optional<int> code = rig.StopAgent();
    if (code != 0) {
      rig.checker().Violate(kCrashed, absl::StrCat("SIGTERM: exit ", code.value_or(-1)));
    }
  }
  std::string text = absl::StrCat(
      "## soak: ", flags.seconds, " s, seed ", flags.seed, ", recovery window ",
      flags.recovery_window_ms, " ms, features.d: ", rig.features().Mechanism(), "\n\n",
      report.FaultTable(), "\n", InvariantTable(rig.checker()), "\n", ResourceTable(growth));
  std::vector<std::string> examples = rig.checker().Examples();
  bool passed = examples.empty() && report.AllSurvived();
  if (!examples.empty()) {
    text += "\nviolations (first ones):\n";
    for (const std::string& e : examples) text += "- " + e + "\n";
  }
  std::cout << text << std::flush;
  if (!flags.report.empty()) std::ofstream(flags.report) << text;
  if (!flags.agent_log.empty()) {
    if (absl::Status s = rig.SaveLog(flags.agent_log); !s.ok()) std::cerr << s << "\n";
  }
  if (!passed) std::cerr << "--- gpulet node log (end) ---\n" << rig.LogTail(8000) << "\n";
  return passed ? 0 : 1;
}

}  // namespace
}  // namespace gpulet::soak

int main(int argc, char** argv) {
  gpulet::soak::Flags flags;
  if (!gpulet::soak::ParseFlags(argc, argv, flags)) {
    std::cerr << "usage: " << argv[0]
              << " [--seconds=N] [--seed=N] [--gpulet=PATH] [--nvml-library=PATH]"
                 " [--machines-dir=DIR] [--recovery-window-ms=N] [--report=FILE]"
                 " [--agent-log=FILE]\n";
    return 2;
  }
  return gpulet::soak::Soak(flags);
}
