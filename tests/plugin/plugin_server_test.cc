// PluginServer and DevicePluginService over a real unix socket, driven by
// the kubelet emulator's client, with a fake backend (no NVML).
#include "plugin/plugin_server.h"

#include <sys/stat.h>

#include <memory>

#include "fake_backend.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kubelet_emulator.h"
#include "plugin/kubelet_registrar.h"

namespace gpulet::plugin {
namespace {

using ::gpulet::testing::CountHealthy;
using ::gpulet::testing::FakeBackend;
using ::gpulet::testing::PluginClient;
using ::gpulet::testing::SocketDir;
using ::testing::ElementsAre;

constexpr std::chrono::seconds kWait(10);

class PluginServerTest : public ::testing::Test {
 protected:
  PluginServerTest()
      : backend_(std::make_shared<FakeBackend>(
            std::vector<std::string>{"GPU-a", "GPU-b", "GPU-c"})),
        publisher_(std::make_shared<ResourcePublisher>(std::make_shared<const ResourceSnapshot>(
            ResourceSnapshot{1, backend_->Devices(), backend_}))),
        metrics_(std::make_shared<PluginMetrics>()),
        server_("nvidia.com/gpu", dir_.Join("nvidia-gpu.sock"), publisher_, metrics_) {}

  SocketDir dir_;
  std::shared_ptr<FakeBackend> backend_;
  std::shared_ptr<ResourcePublisher> publisher_;
  std::shared_ptr<PluginMetrics> metrics_;
  PluginServer server_;
};

TEST(SocketNameTest, FollowsNvidiaNames) {
  EXPECT_EQ(SocketNameForResource("nvidia.com/gpu"), "nvidia-gpu.sock");
  EXPECT_EQ(SocketNameForResource("nvidia.com/mig-1g.10gb"), "nvidia-mig-1g.10gb.sock");
  EXPECT_EQ(SocketNameForResource("nvidia.com/gpu.shared"), "nvidia-gpu.shared.sock");
}

TEST_F(PluginServerTest, ServesEveryRpc) {
  ASSERT_TRUE(server_.Start().ok());
  PluginClient client(server_.socket_path());

  v1beta1::DevicePluginOptions options;
  ASSERT_TRUE(client.GetDevicePluginOptions(&options).ok());
  EXPECT_TRUE(options.get_preferred_allocation_available());
  EXPECT_FALSE(options.pre_start_required());

  v1beta1::AllocateResponse allocated;
  ASSERT_TRUE(client.Allocate({{"GPU-a", "GPU-c"}, {"GPU-b"}}, &allocated).ok());
  ASSERT_EQ(allocated.container_responses_size(), 2);
  EXPECT_EQ(allocated.container_responses(0).envs().at("NVIDIA_VISIBLE_DEVICES"), "GPU-a,GPU-c");
  EXPECT_EQ(allocated.container_responses(1).envs().at("NVIDIA_VISIBLE_DEVICES"), "GPU-b");

  v1beta1::PreferredAllocationResponse preferred;
  ASSERT_TRUE(client.GetPreferredAllocation({"GPU-a", "GPU-b", "GPU-c"}, {"GPU-c"}, 2,
                                            &preferred).ok());
  ASSERT_EQ(preferred.container_responses_size(), 1);
  EXPECT_THAT(preferred.container_responses(0).deviceids(), ElementsAre("GPU-c", "GPU-a"));

  EXPECT_TRUE(client.PreStartContainer({"GPU-a"}).ok());
  EXPECT_EQ(metrics_->Counters()["nvidia.com/gpu"].allocations, 2u);
  EXPECT_TRUE(server_.Stop(std::chrono::seconds(1)).ok());
}

TEST_F(PluginServerTest, UnknownDeviceIsInvalidArgumentNamingIt) {
  ASSERT_TRUE(server_.Start().ok());
  PluginClient client(server_.socket_path());
  v1beta1::AllocateResponse allocated;
  grpc::Status status = client.Allocate({{"GPU-a"}, {"GPU-zzz"}}, &allocated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("GPU-zzz"));
  EXPECT_EQ(metrics_->Counters()["nvidia.com/gpu"].allocation_errors, 1u);
}

TEST_F(PluginServerTest, ListAndWatchSendsListThenEveryChange) {
  ASSERT_TRUE(server_.Start().ok());
  PluginClient client(server_.socket_path());
  client.StartWatch();
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return l.devices_size() == 3; }, kWait));
  const v1beta1::ListAndWatchResponse first = client.LatestList();
  EXPECT_EQ(first.devices(0).id(), "GPU-a");
  EXPECT_EQ(first.devices(0).health(), "Healthy");
  ASSERT_EQ(first.devices(0).topology().nodes_size(), 1);
  EXPECT_EQ(first.devices(0).topology().nodes(0).id(), 0);

  std::vector<AdvertisedDevice> devices = backend_->Devices();
  devices[1].healthy = false;
  publisher_->Publish({0, devices, backend_});
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return CountHealthy(l) == 2; }, kWait));
  EXPECT_EQ(client.LatestList().devices(1).health(), "Unhealthy");

  // Stopping ends the stream with OK and removes the socket.
  ASSERT_TRUE(server_.Stop(std::chrono::seconds(1)).ok());
  EXPECT_TRUE(client.WaitForWatchEnd(kWait).ok());
  struct stat st;
  EXPECT_NE(stat(server_.socket_path().c_str(), &st), 0);
}

TEST_F(PluginServerTest, StartReplacesAStaleSocketFile) {
  ASSERT_TRUE(server_.Start().ok());
  ASSERT_TRUE(server_.Stop(std::chrono::milliseconds(0)).ok());
  PluginServer again("nvidia.com/gpu", server_.socket_path(), publisher_, metrics_);
  ASSERT_TRUE(again.Start().ok());
  PluginServer third("nvidia.com/gpu", server_.socket_path(), publisher_, metrics_);
  // The file of a live server is replaced too: the kubelet only knows the
  // newest registration.
  EXPECT_TRUE(third.Start().ok());
}

TEST_F(PluginServerTest, TooLongSocketPathIsInvalidArgument) {
  PluginServer server("nvidia.com/gpu", "/tmp/" + std::string(120, 'x'), publisher_, metrics_);
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PluginServerTest, AMissingSocketDirectoryIsNamedAsTheCause) {
  std::string missing = dir_.Join("device-plugins");
  PluginServer server("nvidia.com/gpu", missing + "/nvidia-gpu.sock", publisher_, metrics_);
  absl::Status status = server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("socket directory " + missing + "/ does not exist"));
  // Once the kubelet has made it, the same server starts.
  ASSERT_EQ(mkdir(missing.c_str(), 0700), 0);
  EXPECT_TRUE(server.Start().ok());
  EXPECT_TRUE(server.Stop(std::chrono::milliseconds(0)).ok());
}

TEST(KubeletRegistrarTest, RegistersWithV1beta1AndPreferredAllocation) {
  SocketDir dir;
  auto kubelet = gpulet::testing::KubeletEmulator::Start(dir.path());
  ASSERT_TRUE(kubelet.ok());
  KubeletRegistrar registrar((*kubelet)->socket_path(), std::chrono::seconds(5));
  ASSERT_TRUE(registrar.Register("nvidia.com/gpu", "nvidia-gpu.sock").ok());
  auto registrations = (*kubelet)->Registrations();
  ASSERT_EQ(registrations.size(), 1u);
  EXPECT_EQ(registrations[0].version(), "v1beta1");
  EXPECT_EQ(registrations[0].endpoint(), "nvidia-gpu.sock");
  EXPECT_EQ(registrations[0].resource_name(), "nvidia.com/gpu");
  EXPECT_TRUE(registrations[0].options().get_preferred_allocation_available());
}

TEST(KubeletRegistrarTest, AbsentKubeletIsUnavailable) {
  SocketDir dir;
  KubeletRegistrar registrar(dir.Join("kubelet.sock"), std::chrono::milliseconds(200));
  absl::Status status = registrar.Register("nvidia.com/gpu", "nvidia-gpu.sock");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace gpulet::plugin
