// SoakRig: everything around the agent under soak, and the agent — the
// kubelet emulator and its socket directory, the fake API server with this
// node, the mock machine's profile and control file, the named configs,
// features.d, and `gpulet node` itself started on them — plus the watchers
// that read every resource's ListAndWatch into the InvariantChecker.
//
// Thread-safe where the fault drivers share it: the agent process is
// behind a mutex; the kubelet emulator and the fake API server are
// thread-safe themselves. Start() must be called before the process starts
// any other thread (see FeaturesDir).
#ifndef GPULET_TESTS_SOAK_SOAK_RIG_H_
#define GPULET_TESTS_SOAK_SOAK_RIG_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "features_dir.h"
#include "invariant_checker.h"
#include "kube/testing/fake_api_server.h"
#include "kubelet_emulator.h"
#include "list_watcher.h"
#include "plugin_process.h"
#include "soak_layouts.h"

namespace gpulet::soak {

struct RigOptions {
  std::string gpulet;        // the binary
  std::string nvml_library;  // the mock libnvidia-ml.so.1
  std::string machines_dir;  // the mock's profile sources
  std::chrono::milliseconds recovery_window{2000};
  std::chrono::milliseconds rescan_interval{1000};
  std::chrono::milliseconds sleep_interval{2000};
};

// The good configs and the number of replicas each gives nvidia.com/gpu;
// 1 (no sharing) is what a garbage config would fall back to, so seeing it
// means a broken config replaced a working one.
inline constexpr char kConfigA[] = "a";
inline constexpr char kConfigB[] = "b";
inline constexpr char kConfigGarbage[] = "garbage";
std::string SharingConfig(int replicas);

class SoakRig {
 public:
  static absl::StatusOr<std::unique_ptr<SoakRig>> Start(RigOptions options);
  ~SoakRig();  // Stops the watchers, then the agent if it still runs.

  testing::KubeletEmulator& kubelet() { return *kubelet_; }
  kube::testing::FakeApiServer& api() { return *api_; }
  InvariantChecker& checker() { return *checker_; }
  FeaturesDir& features() { return *features_; }
  const std::vector<Layout>& layouts() const { return layouts_; }
  const RigOptions& options() const { return options_; }
  pid_t agent_pid() const { return agent_pid_; }
  int metrics_port() const { return metrics_port_; }
  std::string LogTail(size_t bytes) const;
  // Copies the agent's whole log to `path`.
  absl::Status SaveLog(const std::string& path) const;

  // Appends a command to the mock's control file.
  void Control(const std::string& line) const;
  // Replaces the mock's profile file atomically (the mock reads it on
  // `reload`).
  absl::Status WriteProfile(const Layout& layout) const;
  // Writes the named config into the config directory.
  absl::Status WriteConfig(const std::string& name, const std::string& text) const;
  // Sets the node's config label.
  absl::Status LabelNode(const std::string& config) const;

  absl::Status SignalAgent(int signal) ABSL_LOCKS_EXCLUDED(agent_mu_);
  // The exit code once the agent has exited (128 + signal).
  std::optional<int> AgentExit() ABSL_LOCKS_EXCLUDED(agent_mu_);
  // SIGTERM, then the exit code (nullopt: still running after 20 s).
  std::optional<int> StopAgent() ABSL_LOCKS_EXCLUDED(agent_mu_);

  // Opens a ListAndWatch stream for each new registration.
  void RefreshWatchers();

 private:
  explicit SoakRig(RigOptions options) : options_(std::move(options)) {}
  absl::Status Prepare();
  absl::Status LaunchAgent();

  const RigOptions options_;
  testing::SocketDir dir_;
  std::vector<Layout> layouts_;
  std::unique_ptr<FeaturesDir> features_;
  std::unique_ptr<testing::KubeletEmulator> kubelet_;
  std::unique_ptr<kube::testing::FakeApiServer> api_;
  std::unique_ptr<InvariantChecker> checker_;
  std::unique_ptr<ListWatchers> watchers_;
  int metrics_port_ = 0;
  pid_t agent_pid_ = 0;
  mutable std::mutex agent_mu_;
  std::unique_ptr<testing::PluginProcess> agent_ ABSL_GUARDED_BY(agent_mu_);
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_SOAK_RIG_H_
