// device_plugin_bench: measures a real `gpulet device-plugin` process on
// the mock NVML, the way the kubelet sees it — start to registered,
// Allocate and GetPreferredAllocation round trips over the unix socket,
// resident memory and open fds idle, after an Allocate storm and after
// kubelet restarts, re-registration latency and the SIGTERM exit — and
// prints one Markdown table (docs/device-plugin.md keeps the results).
//
//   device_plugin_bench [--gpulet PATH] [--nvml-library PATH]
//                       [--machine dgx-h100] [--allocates 10000]
//                       [--restarts 100]
//
// The defaults are the gpulet binary and mock library of this build tree;
// point --gpulet at a GPULET_STATIC build to measure the release binary.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "kubelet_emulator.h"
#include "plugin_process.h"

namespace gpulet::bench {
namespace {

using Clock = std::chrono::steady_clock;
using gpulet::testing::KubeletEmulator;
using gpulet::testing::PluginClient;
using gpulet::testing::PluginProcess;
using gpulet::testing::SocketDir;

struct Options {
  std::string gpulet = GPULET_BINARY;
  std::string nvml_library = GPULET_MOCK_NVML_PATH;
  std::string machine = "dgx-h100";
  int allocates = 10'000;
  int restarts = 100;
};

// One row of the output table.
struct Row {
  std::string metric;
  std::string value;
};

double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string Fixed(double value, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f %s", value, unit);
  return buf;
}

// "p50 / p99 / max" of latencies, in ms.
std::string Percentiles(std::vector<double> ms) {
  if (ms.empty()) return "n/a";
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
  char buf[128];
  std::snprintf(buf, sizeof(buf), "p50 %.3f / p99 %.3f / max %.3f ms", at(0.50), at(0.99),
                ms.back());
  return buf;
}

std::string Memory(pid_t pid) {
  absl::StatusOr<size_t> kib = gpulet::testing::ResidentKiB(pid);
  absl::StatusOr<size_t> fds = gpulet::testing::OpenFdCount(pid);
  if (!kib.ok() || !fds.ok()) return "process gone";
  char buf[96];
  std::snprintf(buf, sizeof(buf), "RSS %.1f MiB (%zu KiB), %zu fds", *kib / 1024.0, *kib, *fds);
  return buf;
}

bool ParseArgs(int argc, char** argv, Options& options) {
  std::map<std::string, std::function<void(const char*)>> set = {
      {"--gpulet", [&](const char* v) { options.gpulet = v; }},
      {"--nvml-library", [&](const char* v) { options.nvml_library = v; }},
      {"--machine", [&](const char* v) { options.machine = v; }},
      {"--allocates", [&](const char* v) { options.allocates = std::atoi(v); }},
      {"--restarts", [&](const char* v) { options.restarts = std::atoi(v); }},
  };
  for (int i = 1; i < argc; i += 2) {
    auto it = set.find(argv[i]);
    if (it == set.end() || i + 1 >= argc) {
      std::cerr << "usage: device_plugin_bench [--gpulet PATH] [--nvml-library PATH] "
                   "[--machine NAME] [--allocates N] [--restarts N]\n";
      return false;
    }
    it->second(argv[i + 1]);
  }
  return true;
}

std::vector<std::string> DeviceIds(const PluginClient& client) {
  std::vector<std::string> ids;
  v1beta1::ListAndWatchResponse list = client.LatestList();
  for (const auto& device : list.devices()) ids.push_back(device.id());
  return ids;
}

std::vector<double> TimeAllocates(PluginClient& client, const std::vector<std::string>& ids,
                                  int count) {
  std::vector<double> ms;
  ms.reserve(count);
  v1beta1::AllocateResponse response;
  for (int i = 0; i < count; ++i) {
    Clock::time_point start = Clock::now();
    grpc::Status status = client.Allocate({{ids[i % ids.size()]}}, &response);
    ms.push_back(Millis(Clock::now() - start));
    if (!status.ok()) std::cerr << "Allocate: " << status.error_message() << "\n";
  }
  return ms;
}

std::vector<double> TimePreferred(PluginClient& client, const std::vector<std::string>& ids,
                                  int count) {
  std::vector<double> ms;
  v1beta1::PreferredAllocationResponse response;
  int size = std::max<int>(1, ids.size() / 2);
  for (int i = 0; i < count; ++i) {
    Clock::time_point start = Clock::now();
    grpc::Status status =
        client.GetPreferredAllocation(ids, {ids[i % ids.size()]}, size, &response);
    ms.push_back(Millis(Clock::now() - start));
    if (!status.ok()) std::cerr << "GetPreferredAllocation: " << status.error_message() << "\n";
  }
  return ms;
}

std::vector<double> TimeRestarts(KubeletEmulator& kubelet, int count) {
  std::vector<double> ms;
  for (int i = 0; i < count; ++i) {
    size_t before = kubelet.Registrations().size();
    Clock::time_point start = Clock::now();
    if (!kubelet.Restart().ok()) break;
    if (!kubelet.WaitForRegistrations(before + 1, std::chrono::seconds(10))) {
      std::cerr << "no re-registration after restart " << i << "\n";
      break;
    }
    ms.push_back(Millis(Clock::now() - start));
  }
  return ms;
}

std::unique_ptr<PluginProcess> StartPlugin(const Options& options, const SocketDir& dir) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> process = PluginProcess::Start({
      .binary = options.gpulet,
      .args = {"device-plugin", "--nvml-library", options.nvml_library, "--kubelet-socket",
               dir.Join("kubelet.sock")},
      .env = {"GPULET_MOCK_MACHINE=" + options.machine, "GPULET_LOG_LEVEL=warn"},
      .log_path = dir.Join("plugin.log"),
  });
  if (!process.ok()) {
    std::cerr << process.status() << "\n";
    return nullptr;
  }
  return *std::move(process);
}

void RunLoad(const Options& options, KubeletEmulator& kubelet, PluginProcess& plugin,
             const SocketDir& dir, std::vector<Row>& rows) {
  PluginClient client(dir.Join("nvidia-gpu.sock"));
  client.StartWatch();
  client.WaitForList([](const auto& list) { return list.devices_size() > 0; },
                     std::chrono::seconds(10));
  std::vector<std::string> ids = DeviceIds(client);
  if (ids.empty()) {
    rows.push_back({"devices", "none advertised"});
    return;
  }
  rows.push_back({"devices advertised", std::to_string(ids.size())});
  TimeAllocates(client, ids, 200);  // warm-up: connection, allocator caches
  rows.push_back({"Allocate round trip (1 GPU, " + std::to_string(options.allocates) + ")",
                  Percentiles(TimeAllocates(client, ids, options.allocates))});
  rows.push_back({"GetPreferredAllocation (" + std::to_string(ids.size() / 2) + " of " +
                      std::to_string(ids.size()) + ", 1 must-include)",
                  Percentiles(TimePreferred(client, ids, 1000))});
  rows.push_back({"after the Allocates", Memory(plugin.pid())});
  rows.push_back({"kubelet restart → registered again (" +
                      std::to_string(options.restarts) + ")",
                  Percentiles(TimeRestarts(kubelet, options.restarts))});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  rows.push_back({"after the restarts", Memory(plugin.pid())});
}

int Run(const Options& options) {
  SocketDir dir;
  absl::StatusOr<std::unique_ptr<KubeletEmulator>> kubelet = KubeletEmulator::Start(dir.path());
  if (!kubelet.ok()) {
    std::cerr << kubelet.status() << "\n";
    return 1;
  }
  std::vector<Row> rows;
  Clock::time_point start = Clock::now();
  std::unique_ptr<PluginProcess> plugin = StartPlugin(options, dir);
  if (plugin == nullptr) return 1;
  if (!(*kubelet)->WaitForRegistrations(1, std::chrono::seconds(10))) {
    std::cerr << "never registered; log:\n" << plugin->Log();
    return 1;
  }
  rows.push_back({"start → registered", Fixed(Millis(Clock::now() - start), "ms")});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  rows.push_back({"idle", Memory(plugin->pid())});
  RunLoad(options, **kubelet, *plugin, dir, rows);
  start = Clock::now();
  if (!plugin->Signal(SIGTERM).ok()) return 1;
  std::optional<int> code = plugin->WaitForExit(std::chrono::seconds(10));
  rows.push_back({"SIGTERM → exited",
                  code ? Fixed(Millis(Clock::now() - start), "ms") + ", exit " +
                             std::to_string(*code)
                       : "still running after 10 s"});
  std::cout << "| " << options.machine << " | |\n|---|---|\n";
  for (const Row& row : rows) std::cout << "| " << row.metric << " | " << row.value << " |\n";
  return code == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gpulet::bench

int main(int argc, char** argv) {
  gpulet::bench::Options options;
  if (!gpulet::bench::ParseArgs(argc, argv, options)) return 2;
  return gpulet::bench::Run(options);
}
