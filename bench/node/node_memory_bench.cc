// node_memory_bench: resident memory of the node agents side by side on the
// same mock machine in one run — `gpulet device-plugin`, `gpulet node` with
// every part on (device plugin, feature discovery to a features.d file, CDI
// spec to a directory) and, when their binaries are given, NVIDIA's device
// plugin and GPU feature discovery, which together do what `gpulet node`
// does in two processes.
//
// Each subject runs alone against a kubelet emulator of its own: start,
// wait for its registration (and its features file), let it settle, read
// VmRSS; then open a ListAndWatch stream as the kubelet does, check the
// advertised devices, settle again and read VmRSS, PSS, threads and a
// breakdown of /proc/<pid>/smaps (smaps_breakdown.h); then SIGTERM.
// `gpulet node` gets a fake driver root at --driver-version, so that its
// CDI part writes a spec.
//
//   node_memory_bench [--gpulet PATH]... [--nvml-library PATH]
//                     [--machine dgx-h100] [--driver-version 550.54.15]
//                     [--settle-seconds 5]
//                     [--nvidia-plugin PATH] [--nvidia-gfd PATH]
//                     [--breakdown-min-kib 64] [--gpulet-env NAME=VALUE]...
//
// --gpulet-env adds to gpulet's environment (GLIBC_TUNABLES=..., say, to
// try an allocator setting without a rebuild).
// --gpulet may be given more than once (a shared-library and a static
// build, say); the default is this build tree's gpulet. NVIDIA's plugin
// has the kubelet's socket directory built in
// (/var/lib/kubelet/device-plugins), so it runs under `unshare -m` with the
// emulator's directory bind-mounted there (as root, or with -r in a user
// namespace); it finds the mock through LD_LIBRARY_PATH.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fake_driver_root.h"
#include "kubelet_emulator.h"
#include "plugin_process.h"
#include "smaps_breakdown.h"

namespace gpulet::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using gpulet::testing::KubeletEmulator;
using gpulet::testing::PluginClient;
using gpulet::testing::PluginProcess;
using gpulet::testing::PluginProcessOptions;
using gpulet::testing::SocketDir;

struct Options {
  std::vector<std::string> gpulets;
  std::string nvml_library = GPULET_MOCK_NVML_PATH;
  std::string machine = "dgx-h100";
  std::string driver_version = "550.54.15";  // the mock machine's, for the CDI driver root
  int settle_seconds = 5;
  std::string nvidia_plugin;
  std::string nvidia_gfd;
  size_t breakdown_min_kib = 64;
  std::vector<std::string> gpulet_env;  // extra NAME=VALUE for gpulet's processes
};

// One process of a subject, started in the subject's temporary directory
// (the kubelet's socket directory).
struct ProcessSpec {
  std::string name;
  PluginProcessOptions options;
  bool registers = false;              // waits for a kubelet registration
  std::string features_file;           // waits for this file, when set
  bool hard_coded_socket_dir = false;  // NVIDIA's plugin: run in a mount namespace
};

struct Subject {
  std::string name;
  std::vector<ProcessSpec> processes;
  // A fake driver root for the CDI spec, while the subject runs.
  std::shared_ptr<gpulet::testing::FakeDriverRoot> driver_root;
};

// What was measured of one process.
struct Measured {
  std::string name;
  size_t idle_kib = 0;     // VmRSS, registered and settled
  size_t serving_kib = 0;  // VmRSS with a ListAndWatch stream open
  std::optional<SmapsBreakdown> breakdown;
};

struct Result {
  std::string subject;
  std::string notes;  // devices, registration time, outputs, or why it failed
  std::vector<Measured> processes;
};

double MiB(size_t kib) { return kib / 1024.0; }

std::string Format(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, value);
  return buf;
}

size_t Resident(pid_t pid) { return gpulet::testing::ResidentKiB(pid).value_or(0); }

std::string Dirname(const std::string& path) {
  return fs::path(path).parent_path().string();
}

// NVIDIA's plugin registers at /var/lib/kubelet/device-plugins/kubelet.sock:
// bind the emulator's directory there in a private mount namespace. Where
// the host has no such directory, a tmpfs over /var/lib makes one.
PluginProcessOptions InMountNamespace(PluginProcessOptions options, const std::string& dir) {
  const char* script =
      "d=/var/lib/kubelet/device-plugins; "
      "if [ ! -d $d ]; then mount -t tmpfs tmpfs /var/lib && mkdir -p $d || exit 126; fi; "
      "mount --bind \"$0\" $d || exit 126; exec \"$@\"";
  std::vector<std::string> args = {"-m", "--propagation", "private"};
  if (geteuid() != 0) args.insert(args.begin(), "-r");
  args.insert(args.end(), {"/bin/sh", "-c", script, dir, options.binary});
  args.insert(args.end(), options.args.begin(), options.args.end());
  options.binary = "/usr/bin/unshare";
  options.args = std::move(args);
  return options;
}

std::vector<std::string> MockEnv(const Options& options) {
  return {"GPULET_MOCK_MACHINE=" + options.machine, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
}

std::vector<std::string> GpuletEnv(const Options& options) {
  std::vector<std::string> env = MockEnv(options);
  env.push_back("GPULET_LOG_LEVEL=warn");
  env.insert(env.end(), options.gpulet_env.begin(), options.gpulet_env.end());
  return env;
}

Subject GpuletPlugin(const Options& options, const std::string& gpulet, const std::string& dir) {
  std::vector<std::string> env = GpuletEnv(options);
  return {"gpulet device-plugin",
          {{.name = "gpulet device-plugin",
            .options = {.binary = gpulet,
                        .args = {"device-plugin", "--nvml-library", options.nvml_library,
                                 "--kubelet-socket", dir + "/kubelet.sock"},
                        .env = env,
                        .log_path = dir + "/gpulet.log"},
            .registers = true,
            .features_file = "",
            .hard_coded_socket_dir = false}},
          nullptr};
}

// The CDI spec is generated from a fake driver root (the libraries it is
// dated by and the device nodes) at the mock machine's driver version.
Subject GpuletNode(const Options& options, const std::string& gpulet, const std::string& dir) {
  auto driver_root =
      std::make_shared<gpulet::testing::FakeDriverRoot>(options.driver_version, 8);
  fs::create_directories(dir + "/features.d");
  fs::create_directories(dir + "/cdi");
  return {"gpulet node (plugin + feature discovery + CDI)",
          {{.name = "gpulet node",
            .options = {.binary = gpulet,
                        .args = {"node", "--nvml-library", options.nvml_library,
                                 "--kubelet-socket", dir + "/kubelet.sock", "--output-file",
                                 dir + "/features.d/gfd", "--device-plugin=true",
                                 "--feature-discovery=true", "--cdi-spec=true", "--cdi-spec-dir",
                                 dir + "/cdi", "--driver-root", driver_root->path()},
                        .env = GpuletEnv(options),
                        .log_path = dir + "/gpulet.log"},
            .registers = true,
            .features_file = dir + "/features.d/gfd",
            .hard_coded_socket_dir = false}},
          driver_root};
}

Subject Nvidia(const Options& options, const std::string& dir) {
  std::vector<std::string> env = MockEnv(options);
  env.push_back("LD_LIBRARY_PATH=" + Dirname(options.nvml_library));
  Subject subject{"NVIDIA", {}, nullptr};
  if (!options.nvidia_plugin.empty()) {
    subject.name += " device plugin";
    subject.processes.push_back({.name = "NVIDIA device plugin",
                                 .options = {.binary = options.nvidia_plugin,
                                             .args = {},
                                             .env = env,
                                             .log_path = dir + "/nvidia-plugin.log"},
                                 .registers = true,
                                 .features_file = "",
                                 .hard_coded_socket_dir = true});
  }
  if (!options.nvidia_gfd.empty()) {
    subject.name += subject.processes.empty() ? " GFD" : " + GFD (two processes)";
    subject.processes.push_back({.name = "NVIDIA GFD",
                                 .options = {.binary = options.nvidia_gfd,
                                             .args = {"--output-file", dir + "/gfd"},
                                             .env = env,
                                             .log_path = dir + "/nvidia-gfd.log"},
                                 .registers = false,
                                 .features_file = dir + "/gfd",
                                 .hard_coded_socket_dir = false});
  }
  return subject;
}

// True when `gpulet --help` lists a `node` subcommand.
bool HasNodeCommand(const std::string& gpulet, const std::string& dir) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> help = PluginProcess::Start(
      {.binary = gpulet, .args = {"--help"}, .env = {}, .log_path = dir + "/help.log"});
  if (!help.ok() || (*help)->WaitForExit(std::chrono::seconds(10)) != 0) return false;
  return (*help)->Log().find("\n  node ") != std::string::npos;
}

bool WaitForFile(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!fs::exists(path)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

size_t CountLines(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  size_t lines = 0;
  for (int c; (c = std::fgetc(f)) != EOF;) lines += c == '\n';
  std::fclose(f);
  return lines;
}

// Opens the kubelet's ListAndWatch on every registered endpoint and counts
// the devices first advertised; the clients stay open (the kubelet's state).
size_t WatchEndpoints(const KubeletEmulator& kubelet, const std::string& dir,
                      std::vector<std::unique_ptr<PluginClient>>& clients) {
  size_t devices = 0;
  std::map<std::string, bool> seen;
  for (const v1beta1::RegisterRequest& request : kubelet.Registrations()) {
    if (seen[request.endpoint()]) continue;
    seen[request.endpoint()] = true;
    auto client = std::make_unique<PluginClient>(dir + "/" + request.endpoint());
    client->StartWatch();
    if (client->WaitForList([](const auto& list) { return list.devices_size() > 0; },
                            std::chrono::seconds(10))) {
      devices += client->LatestList().devices_size();
    }
    clients.push_back(std::move(client));
  }
  return devices;
}

// Starts every process of the subject; on failure returns why.
std::string StartAll(const Subject& subject, const std::string& dir,
                     std::vector<std::unique_ptr<PluginProcess>>& started) {
  for (const ProcessSpec& spec : subject.processes) {
    PluginProcessOptions options =
        spec.hard_coded_socket_dir ? InMountNamespace(spec.options, dir) : spec.options;
    absl::StatusOr<std::unique_ptr<PluginProcess>> process = PluginProcess::Start(options);
    if (!process.ok()) return std::string(process.status().message());
    started.push_back(*std::move(process));
  }
  return "";
}

// Waits for what each process must produce before it counts as settled.
std::string WaitReady(const Subject& subject, const KubeletEmulator& kubelet,
                      const std::vector<std::unique_ptr<PluginProcess>>& started,
                      Clock::time_point start) {
  std::string notes;
  size_t registrations = 0;
  for (size_t i = 0; i < subject.processes.size(); ++i) {
    const ProcessSpec& spec = subject.processes[i];
    if (spec.registers) {
      ++registrations;
      if (!kubelet.WaitForRegistrations(registrations, std::chrono::seconds(15))) {
        return "ERROR: " + spec.name + " never registered; log:\n" + started[i]->Log();
      }
      notes += Format("registered after %.0f ms; ",
                      std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    if (!spec.features_file.empty()) {
      if (!WaitForFile(spec.features_file, std::chrono::seconds(15))) {
        return "ERROR: " + spec.name + " wrote no " + spec.features_file + "; log:\n" +
               started[i]->Log();
      }
    }
  }
  return notes;
}

std::string Outputs(const Subject& subject, const std::string& dir) {
  std::string notes;
  for (const ProcessSpec& spec : subject.processes) {
    if (!spec.features_file.empty()) {
      notes += std::to_string(CountLines(spec.features_file)) + " labels; ";
    }
  }
  if (fs::exists(dir + "/cdi")) {
    size_t specs = 0;
    for (const auto& entry : fs::directory_iterator(dir + "/cdi")) specs += entry.is_regular_file();
    if (specs > 0) notes += std::to_string(specs) + " CDI spec file(s); ";
  }
  return notes;
}

Result Measure(const Options& options, const std::function<Subject(const std::string&)>& make) {
  SocketDir dir;
  Subject subject = make(dir.path());
  Result result{subject.name, "", {}};
  absl::StatusOr<std::unique_ptr<KubeletEmulator>> kubelet = KubeletEmulator::Start(dir.path());
  if (!kubelet.ok()) return {subject.name, "ERROR: " + kubelet.status().ToString(), {}};
  std::vector<std::unique_ptr<PluginProcess>> started;
  Clock::time_point start = Clock::now();
  if (std::string error = StartAll(subject, dir.path(), started); !error.empty()) {
    return {subject.name, "ERROR: " + error, {}};
  }
  result.notes = WaitReady(subject, **kubelet, started, start);
  if (result.notes.starts_with("ERROR")) return result;
  std::this_thread::sleep_for(std::chrono::seconds(options.settle_seconds));
  for (size_t i = 0; i < started.size(); ++i) {
    result.processes.push_back({subject.processes[i].name, Resident(started[i]->pid()), 0, {}});
  }
  std::vector<std::unique_ptr<PluginClient>> clients;
  size_t devices = WatchEndpoints(**kubelet, dir.path(), clients);
  std::this_thread::sleep_for(std::chrono::seconds(std::max(1, options.settle_seconds / 2)));
  for (size_t i = 0; i < started.size(); ++i) {
    result.processes[i].serving_kib = Resident(started[i]->pid());
    absl::StatusOr<SmapsBreakdown> breakdown = ReadSmapsBreakdown(started[i]->pid());
    if (breakdown.ok()) result.processes[i].breakdown = *std::move(breakdown);
  }
  result.notes += std::to_string(devices) + " devices advertised; " + Outputs(subject, dir.path());
  clients.clear();
  for (auto& process : started) {
    if (process->Signal(SIGTERM).ok()) process->WaitForExit(std::chrono::seconds(10));
  }
  return result;
}

bool ParseArgs(int argc, char** argv, Options& options) {
  std::map<std::string, std::function<void(const char*)>> set = {
      {"--gpulet", [&](const char* v) { options.gpulets.push_back(v); }},
      {"--nvml-library", [&](const char* v) { options.nvml_library = v; }},
      {"--machine", [&](const char* v) { options.machine = v; }},
      {"--driver-version", [&](const char* v) { options.driver_version = v; }},
      {"--settle-seconds", [&](const char* v) { options.settle_seconds = std::atoi(v); }},
      {"--nvidia-plugin", [&](const char* v) { options.nvidia_plugin = v; }},
      {"--nvidia-gfd", [&](const char* v) { options.nvidia_gfd = v; }},
      {"--breakdown-min-kib", [&](const char* v) { options.breakdown_min_kib = std::atoi(v); }},
      {"--gpulet-env", [&](const char* v) { options.gpulet_env.push_back(v); }},
  };
  for (int i = 1; i < argc; i += 2) {
    auto it = set.find(argv[i]);
    if (it == set.end() || i + 1 >= argc) {
      std::cerr << "usage: node_memory_bench [--gpulet PATH]... [--nvml-library PATH] "
                   "[--machine NAME] [--driver-version V] [--settle-seconds N] [--nvidia-plugin PATH] "
                   "[--nvidia-gfd PATH] [--breakdown-min-kib N] [--gpulet-env NAME=VALUE]...\n";
      return false;
    }
    it->second(argv[i + 1]);
  }
  if (options.gpulets.empty()) options.gpulets.push_back(GPULET_BINARY);
  return true;
}

// "static" or "shared libraries", told by whether libgrpc is mapped.
std::string Linkage(const Measured& m) {
  if (!m.breakdown || !m.name.starts_with("gpulet")) return "";
  for (const MemoryPart& part : m.breakdown->parts) {
    if (part.name.starts_with("libgrpc")) return " (shared libraries)";
  }
  return " (static gRPC)";
}

void PrintSummary(const std::vector<Result>& results) {
  std::cout << "| subject | process | threads | RSS registered, idle | RSS with ListAndWatch "
               "| PSS | notes |\n|---|---|---|---|---|---|---|\n";
  for (const Result& r : results) {
    size_t idle = 0, serving = 0;
    for (const Measured& m : r.processes) {
      const std::string& notes = &m == &r.processes.front() ? r.notes : "";
      idle += m.idle_kib;
      serving += m.serving_kib;
      std::cout << "| " << r.subject << " | " << m.name << Linkage(m) << " | "
                << (m.breakdown ? std::to_string(m.breakdown->threads) : "?") << " | "
                << Format("%.1f MiB", MiB(m.idle_kib)) << " | "
                << Format("%.1f MiB", MiB(m.serving_kib)) << " (" << m.serving_kib << " KiB) | "
                << (m.breakdown ? Format("%.1f MiB", MiB(m.breakdown->pss_kib)) : "?") << " | "
                << notes << " |\n";
    }
    if (r.processes.size() > 1) {
      std::cout << "| " << r.subject << " | **total** | | "
                << Format("**%.1f MiB**", MiB(idle)) << " | "
                << Format("**%.1f MiB**", MiB(serving)) << " | | |\n";
    }
    if (r.processes.empty() || r.notes.starts_with("ERROR")) {
      std::cout << "| " << r.subject << " | | | | | | failed, see stderr |\n";
      std::cerr << r.subject << ": " << r.notes << "\n";
    }
  }
}

void PrintBreakdown(const Measured& m, const std::string& subject, size_t min_kib) {
  if (!m.breakdown) return;
  std::cout << "\n" << subject << " — " << m.name << Linkage(m) << ": "
            << m.breakdown->threads << " threads (" << m.breakdown->thread_names << "), RSS "
            << Format("%.1f MiB", MiB(m.breakdown->rss_kib)) << "\n\n"
            << "| mapping | count | RSS KiB | PSS KiB | private dirty KiB |\n|---|---|---|---|---|\n";
  MemoryPart rest{.name = "everything smaller"};
  for (const MemoryPart& part : m.breakdown->parts) {
    if (part.rss_kib < min_kib) {
      ++rest.mappings;
      rest.rss_kib += part.rss_kib;
      rest.pss_kib += part.pss_kib;
      rest.private_dirty_kib += part.private_dirty_kib;
      continue;
    }
    std::cout << "| " << part.name << " | " << part.mappings << " | " << part.rss_kib << " | "
              << part.pss_kib << " | " << part.private_dirty_kib << " |\n";
  }
  if (rest.mappings > 0) {
    std::cout << "| " << rest.name << " (" << rest.mappings << " parts) | | " << rest.rss_kib
              << " | " << rest.pss_kib << " | " << rest.private_dirty_kib << " |\n";
  }
}

int Run(const Options& options) {
  std::vector<Result> results;
  for (const std::string& gpulet : options.gpulets) {
    results.push_back(Measure(options, [&](const std::string& dir) {
      return GpuletPlugin(options, gpulet, dir);
    }));
    SocketDir probe;
    if (!HasNodeCommand(gpulet, probe.path())) {
      std::cerr << gpulet << " has no `node` subcommand; skipping gpulet node\n";
      continue;
    }
    results.push_back(Measure(options, [&](const std::string& dir) {
      return GpuletNode(options, gpulet, dir);
    }));
  }
  if (!options.nvidia_plugin.empty() || !options.nvidia_gfd.empty()) {
    results.push_back(Measure(options, [&](const std::string& dir) { return Nvidia(options, dir); }));
  }
  std::cout << "| " << options.machine << Format(", settled %.0f s", options.settle_seconds)
            << " |\n\n";
  PrintSummary(results);
  bool failed = false;
  for (const Result& r : results) {
    failed |= r.notes.starts_with("ERROR");
    for (const Measured& m : r.processes) PrintBreakdown(m, r.subject, options.breakdown_min_kib);
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace gpulet::bench

int main(int argc, char** argv) {
  gpulet::bench::Options options;
  if (!gpulet::bench::ParseArgs(argc, argv, options)) return 2;
  return gpulet::bench::Run(options);
}
