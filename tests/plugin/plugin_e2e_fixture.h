// DevicePluginE2eTest: the fixture of the end-to-end tests — a real
// `gpulet device-plugin` process on the mock NVML (a shipped profile or a
// profile file), registering with a kubelet emulator in a short temporary
// socket directory, with a mock control file for fault injection.
//
// TearDown() stops a plugin still running with SIGTERM and prints its log
// when the test failed. Not thread-safe: the test's thread drives it;
// clients it hands out may be used from other threads.
#ifndef GPULET_TESTS_PLUGIN_PLUGIN_E2E_FIXTURE_H_
#define GPULET_TESTS_PLUGIN_PLUGIN_E2E_FIXTURE_H_

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kubelet_emulator.h"
#include "plugin_process.h"

namespace gpulet::testing {

inline constexpr std::chrono::seconds kE2eWait(20);

class DevicePluginE2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts `gpulet <subcommand_>` on `machine` (a shipped profile name or
  // a path) with `args` after the NVML library and kubelet socket flags.
  void Launch(const std::string& machine, std::vector<std::string> args = {},
              std::vector<std::string> env = {});
  // Waits until the kubelet saw at least `count` registrations in all.
  bool WaitRegistered(size_t count = 1) const;
  std::set<std::string> RegisteredResources() const;

  // A kubelet client of the socket of `resource` ("nvidia.com/gpu").
  std::unique_ptr<PluginClient> Client(const std::string& resource) const;
  // A client with ListAndWatch running and a first list received.
  std::unique_ptr<PluginClient> Watch(const std::string& resource) const;

  // Appends a command to the mock's control file.
  void Control(const std::string& line) const;
  // Writes `text` to `name` in the socket directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) const;

  // SIGTERM, then the exit code (nullopt: still running after kE2eWait).
  std::optional<int> Terminate();

  // "device-plugin"; the node agent's tests run "node", which takes the
  // same flags.
  std::string subcommand_ = "device-plugin";
  SocketDir dir_;
  std::string control_path_;
  std::unique_ptr<KubeletEmulator> kubelet_;
  std::unique_ptr<PluginProcess> plugin_;
};

// The GPU UUIDs of a shipped mock profile, in index order (a test
// failure and an empty list when it cannot be loaded).
std::vector<std::string> ProfileGpuUuids(const std::string& machine);

// A kubeconfig for an API server at `url` (a fake one) with a token user.
std::string KubeconfigFor(const std::string& url);

// The device IDs of a list, in order; and those that are Healthy.
std::vector<std::string> DeviceIds(const v1beta1::ListAndWatchResponse& list);
std::set<std::string> HealthyIds(const v1beta1::ListAndWatchResponse& list);

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_PLUGIN_E2E_FIXTURE_H_
