#include "plugin_e2e_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "mock/nvml/machine_profile.h"
#include "plugin/plugin_server.h"

namespace gpulet::testing {

std::vector<std::string> ProfileGpuUuids(const std::string& machine) {
  absl::StatusOr<mock::MachineProfile> profile = mock::LoadMachineProfile(machine);
  EXPECT_TRUE(profile.ok()) << profile.status();
  std::vector<std::string> uuids;
  if (profile.ok()) {
    for (const mock::GpuProfile& gpu : profile->gpus) uuids.push_back(gpu.uuid);
  }
  return uuids;
}

void DevicePluginE2eTest::SetUp() {
  ASSERT_FALSE(dir_.path().empty());
  control_path_ = dir_.Join("control");
  absl::StatusOr<std::unique_ptr<KubeletEmulator>> kubelet = KubeletEmulator::Start(dir_.path());
  ASSERT_TRUE(kubelet.ok()) << kubelet.status();
  kubelet_ = *std::move(kubelet);
}

void DevicePluginE2eTest::TearDown() {
  if (plugin_ == nullptr) return;
  if (plugin_->running()) {
    (void)plugin_->Signal(SIGTERM);
    if (!plugin_->WaitForExit(kE2eWait)) ADD_FAILURE() << "the plugin ignored SIGTERM";
  }
  if (HasFailure()) std::cerr << "--- gpulet device-plugin log ---\n" << plugin_->Log();
}

void DevicePluginE2eTest::Launch(const std::string& machine, std::vector<std::string> args,
                                 std::vector<std::string> env) {
  std::vector<std::string> argv = {subcommand_, "--nvml-library", GPULET_MOCK_NVML_PATH,
                                   "--kubelet-socket", kubelet_->socket_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  env.push_back("GPULET_MOCK_MACHINE=" + machine);
  env.push_back("GPULET_MOCK_CONTROL=" + control_path_);
  absl::StatusOr<std::unique_ptr<PluginProcess>> plugin = PluginProcess::Start({
      .binary = GPULET_BINARY,
      .args = std::move(argv),
      .env = std::move(env),
      .log_path = dir_.Join("plugin.log"),
  });
  ASSERT_TRUE(plugin.ok()) << plugin.status();
  plugin_ = *std::move(plugin);
}

std::string KubeconfigFor(const std::string& url) {
  return "apiVersion: v1\nkind: Config\n"
         "clusters:\n- name: fake\n  cluster:\n    server: " + url +
         "\nusers:\n- name: plugin\n  user:\n    token: t0ken\n"
         "contexts:\n- name: fake\n  context:\n    cluster: fake\n"
         "    user: plugin\ncurrent-context: fake\n";
}

bool DevicePluginE2eTest::WaitRegistered(size_t count) const {
  return kubelet_->WaitForRegistrations(count, kE2eWait);
}

std::set<std::string> DevicePluginE2eTest::RegisteredResources() const {
  std::set<std::string> names;
  for (const v1beta1::RegisterRequest& r : kubelet_->Registrations()) {
    names.insert(r.resource_name());
  }
  return names;
}

std::unique_ptr<PluginClient> DevicePluginE2eTest::Client(const std::string& resource) const {
  return std::make_unique<PluginClient>(dir_.Join(plugin::SocketNameForResource(resource)));
}

std::unique_ptr<PluginClient> DevicePluginE2eTest::Watch(const std::string& resource) const {
  std::unique_ptr<PluginClient> client = Client(resource);
  client->StartWatch();
  EXPECT_TRUE(client->WaitForList([](const auto&) { return true; }, kE2eWait)) << resource;
  return client;
}

void DevicePluginE2eTest::Control(const std::string& line) const {
  int fd = open(control_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << control_path_;
  // One write per line keeps the mock from reading half a command.
  std::string text = line + "\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
}

std::string DevicePluginE2eTest::WriteFile(const std::string& name,
                                           const std::string& text) const {
  std::string path = dir_.Join(name);
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

std::optional<int> DevicePluginE2eTest::Terminate() {
  // Signal() fails only when the plugin has exited already.
  (void)plugin_->Signal(SIGTERM);
  return plugin_->WaitForExit(kE2eWait);
}

std::vector<std::string> DeviceIds(const v1beta1::ListAndWatchResponse& list) {
  std::vector<std::string> ids;
  for (const auto& device : list.devices()) ids.push_back(device.id());
  return ids;
}

std::set<std::string> HealthyIds(const v1beta1::ListAndWatchResponse& list) {
  std::set<std::string> ids;
  for (const auto& device : list.devices()) {
    if (device.health() == "Healthy") ids.insert(device.id());
  }
  return ids;
}

}  // namespace gpulet::testing
