// The Manager's lifecycle against the kubelet emulator, with a scripted
// ResourceSource (no NVML): registration, kubelet restarts, deleted
// sockets, config reloads good and bad, layout changes, health, stop order.
#include "plugin/manager.h"

#include <sys/stat.h>

#include <cstdio>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "fake_backend.h"
#include "gtest/gtest.h"
#include "kubelet_emulator.h"
#include "plugin/kubelet_registrar.h"

namespace gpulet::plugin {
namespace {

using ::gpulet::testing::CountHealthy;
using ::gpulet::testing::FakeBackend;
using ::gpulet::testing::KubeletEmulator;
using ::gpulet::testing::PluginClient;
using ::gpulet::testing::SocketDir;
using Kind = ManagerEvent::Kind;

constexpr std::chrono::seconds kWait(10);

ResourceSpec Spec(const std::string& name, std::vector<std::string> ids) {
  auto backend = std::make_shared<FakeBackend>(ids);
  ResourceSpec spec{name, backend->Devices(), ids, backend};
  return spec;
}

// Serves what the test sets; ReloadConfig fails while `bad_config` is set.
class ScriptedSource final : public ResourceSource {
 public:
  void Set(std::vector<ResourceSpec> specs) {
    absl::MutexLock lock(&mu_);
    specs_ = std::move(specs);
  }
  void SetBadConfig(bool bad) {
    absl::MutexLock lock(&mu_);
    bad_config_ = bad;
  }
  int builds() const {
    absl::MutexLock lock(&mu_);
    return builds_;
  }

  absl::Status ReloadConfig() override {
    absl::MutexLock lock(&mu_);
    if (bad_config_) {
      return absl::InvalidArgumentError("config.yaml:3: flags.migStrategy: \"bogus\"");
    }
    ++generation_;
    return absl::OkStatus();
  }
  absl::StatusOr<NodeResources> Build() override {
    absl::MutexLock lock(&mu_);
    ++builds_;
    return NodeResources{specs_, generation_};
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<ResourceSpec> specs_ ABSL_GUARDED_BY(mu_);
  bool bad_config_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
  int builds_ ABSL_GUARDED_BY(mu_) = 0;
};

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kubelet = KubeletEmulator::Start(dir_.path());
    ASSERT_TRUE(kubelet.ok());
    kubelet_ = *std::move(kubelet);
    source_.Set({Spec("nvidia.com/gpu", {"GPU-a", "GPU-b"}),
                 Spec("nvidia.com/mig-1g.10gb", {"MIG-x", "MIG-y"})});
  }
  void TearDown() override {
    if (thread_.joinable()) {
      manager_->events().Post({Kind::kStop, ""});
      thread_.join();
    }
  }

  // `socket_dir` defaults to the kubelet emulator's directory.
  void StartManager(bool register_with_kubelet = true, std::string socket_dir = "") {
    if (socket_dir.empty()) socket_dir = dir_.path();
    ManagerOptions options;
    options.socket_dir = socket_dir;
    options.rescan_interval = std::chrono::milliseconds(0);
    options.retry_min = retry_min_;
    options.stop_grace = std::chrono::milliseconds(500);
    options.on_stopped = [this] {
      // NVML would shut down here: every socket must already be gone.
      sockets_left_at_stop_ = Exists(Socket("nvidia-gpu.sock")) ||
                              Exists(Socket("nvidia-mig-1g.10gb.sock"));
      stopped_ = true;
    };
    std::unique_ptr<Registrar> registrar;
    if (register_with_kubelet) {
      registrar = std::make_unique<KubeletRegistrar>(socket_dir + "/kubelet.sock",
                                                     registration_timeout_);
    }
    HealthViewSource health = [this] {
      absl::MutexLock lock(&health_mu_);
      return HealthView([bad = unhealthy_](std::string_view uuid) {
        return std::find(bad.begin(), bad.end(), uuid) == bad.end();
      });
    };
    auto manager = Manager::Create(options, &source_, std::move(registrar), health,
                                   std::make_shared<PluginMetrics>());
    ASSERT_TRUE(manager.ok());
    manager_ = *std::move(manager);
    thread_ = std::thread([this] { ASSERT_TRUE(manager_->Run(nullptr).ok()); });
  }

  std::string Socket(const std::string& name) { return dir_.Join(name); }

  void SetUnhealthy(std::vector<std::string> uuids) {
    {
      absl::MutexLock lock(&health_mu_);
      unhealthy_ = std::move(uuids);
    }
    manager_->events().Post({Kind::kHealthChanged, ""});
  }

  SocketDir dir_;
  std::unique_ptr<KubeletEmulator> kubelet_;
  std::chrono::milliseconds registration_timeout_{2000};
  std::chrono::milliseconds retry_min_{20};
  ScriptedSource source_;
  std::unique_ptr<Manager> manager_;
  std::thread thread_;
  absl::Mutex health_mu_;
  std::vector<std::string> unhealthy_ ABSL_GUARDED_BY(health_mu_);
  std::atomic<bool> sockets_left_at_stop_{true};
  std::atomic<bool> stopped_{false};
};

TEST_F(ManagerTest, RegistersOneServerPerResource) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  auto registrations = kubelet_->Registrations();
  std::set<std::string> endpoints;
  for (const auto& r : registrations) endpoints.insert(r.endpoint());
  EXPECT_EQ(endpoints, (std::set<std::string>{"nvidia-gpu.sock", "nvidia-mig-1g.10gb.sock"}));
  PluginClient client(Socket("nvidia-mig-1g.10gb.sock"));
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client.Allocate({{"MIG-y"}}, &response).ok());
  EXPECT_EQ(response.container_responses(0).envs().at("NVIDIA_VISIBLE_DEVICES"), "MIG-y");
}

TEST_F(ManagerTest, ReRegistersAfterEveryKubeletRestart) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(kubelet_->Restart().ok());
    ASSERT_TRUE(kubelet_->WaitForRegistrations(2 + 2 * i, kWait)) << "restart " << i;
  }
  EXPECT_EQ(source_.builds(), 1) << "a kubelet restart must not rebuild the inventory";
}

TEST_F(ManagerTest, AKubeletDirectoryMadeAfterStartIsServedAndWatched) {
  // gpulet started before the kubelet made its device-plugins directory.
  std::string later = dir_.Join("device-plugins");
  StartManager(true, later);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(mkdir(later.c_str(), 0700), 0);
  auto kubelet = KubeletEmulator::Start(later);
  ASSERT_TRUE(kubelet.ok());
  ASSERT_TRUE((*kubelet)->WaitForRegistrations(2, kWait));
  // Kubelet restarts are seen from then on.
  ASSERT_TRUE((*kubelet)->Restart().ok());
  EXPECT_TRUE((*kubelet)->WaitForRegistrations(4, kWait));
}

TEST_F(ManagerTest, AKubeletDirectoryMovedAwayAndMadeAgainIsServedAndWatchedAgain) {
  std::string plugins = dir_.Join("device-plugins");
  ASSERT_EQ(mkdir(plugins.c_str(), 0700), 0);
  StartManager(true, plugins);
  {
    auto kubelet = KubeletEmulator::Start(plugins);
    ASSERT_TRUE(kubelet.ok());
    ASSERT_TRUE((*kubelet)->WaitForRegistrations(2, kWait));
  }
  // Moved away (the manager would put its sockets back into a directory
  // being removed file by file), then made anew.
  ASSERT_EQ(rename(plugins.c_str(), (plugins + ".old").c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(mkdir(plugins.c_str(), 0700), 0);
  auto kubelet = KubeletEmulator::Start(plugins);
  ASSERT_TRUE(kubelet.ok());
  ASSERT_TRUE((*kubelet)->WaitForRegistrations(2, kWait));
  // The new directory is watched: a kubelet restart in it is seen.
  ASSERT_TRUE((*kubelet)->Restart().ok());
  EXPECT_TRUE((*kubelet)->WaitForRegistrations(4, kWait));
}

TEST_F(ManagerTest, RecreatesADeletedSocketAndRegistersIt) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  ASSERT_EQ(unlink(Socket("nvidia-gpu.sock").c_str()), 0);
  ASSERT_TRUE(kubelet_->WaitForRegistrations(3, kWait));
  EXPECT_EQ(kubelet_->Registrations().back().endpoint(), "nvidia-gpu.sock");
  PluginClient client(Socket("nvidia-gpu.sock"));
  v1beta1::DevicePluginOptions options;
  EXPECT_TRUE(client.GetDevicePluginOptions(&options).ok());
}

TEST_F(ManagerTest, BadReloadKeepsServingGoodReloadRepublishes) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  PluginClient client(Socket("nvidia-gpu.sock"));
  client.StartWatch();
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return l.devices_size() == 2; }, kWait));

  source_.SetBadConfig(true);
  manager_->events().Post({Kind::kReload, ""});
  manager_->events().Post({Kind::kRescan, ""});  // a barrier: handled after the reload
  ASSERT_TRUE(WaitUntil([&] { return source_.builds() >= 2; }));
  v1beta1::AllocateResponse response;
  EXPECT_TRUE(client.Allocate({{"GPU-a"}}, &response).ok());

  source_.SetBadConfig(false);
  source_.Set({Spec("nvidia.com/gpu", {"GPU-a", "GPU-b", "GPU-c"}),
               Spec("nvidia.com/mig-1g.10gb", {"MIG-x", "MIG-y"})});
  manager_->events().Post({Kind::kReload, ""});
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return l.devices_size() == 3; }, kWait));
  EXPECT_EQ(kubelet_->Registrations().size(), 2u) << "a changed list needs no re-registration";
}

TEST_F(ManagerTest, LayoutChangeOnlyTouchesAffectedResources) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  PluginClient gpu(Socket("nvidia-gpu.sock"));
  gpu.StartWatch();
  ASSERT_TRUE(gpu.WaitForList([](const auto& l) { return l.devices_size() == 2; }, kWait));

  // The MIG layout changed: 1g.10gb is gone, 2g.20gb appears; GPUs stay.
  source_.Set({Spec("nvidia.com/gpu", {"GPU-a", "GPU-b"}),
               Spec("nvidia.com/mig-2g.20gb", {"MIG-z"})});
  manager_->events().Post({Kind::kRescan, ""});
  ASSERT_TRUE(kubelet_->WaitForRegistrations(3, kWait));
  EXPECT_EQ(kubelet_->Registrations().back().resource_name(), "nvidia.com/mig-2g.20gb");
  ASSERT_TRUE(WaitUntil([&] { return !Exists(Socket("nvidia-mig-1g.10gb.sock")); }));
  EXPECT_TRUE(Exists(Socket("nvidia-mig-2g.20gb.sock")));
  EXPECT_EQ(gpu.ListsReceived(), 1u) << "an unchanged resource is not re-advertised";
}

TEST_F(ManagerTest, HealthChangesReachListAndWatchAndRecover) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  PluginClient client(Socket("nvidia-gpu.sock"));
  client.StartWatch();
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return CountHealthy(l) == 2; }, kWait));
  SetUnhealthy({"GPU-b"});
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return CountHealthy(l) == 1; }, kWait));
  EXPECT_EQ(client.LatestList().devices(1).health(), "Unhealthy");
  SetUnhealthy({});
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return CountHealthy(l) == 2; }, kWait));
}

TEST_F(ManagerTest, RetriesRegistrationUntilTheKubeletAccepts) {
  kubelet_->FailRegistrations(grpc::StatusCode::UNAVAILABLE);
  StartManager();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(kubelet_->Registrations().size(), 0u);
  kubelet_->FailRegistrations(grpc::StatusCode::OK);
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
}

TEST_F(ManagerTest, AHungKubeletCostsOneTimeoutPerPassNotOnePerResource) {
  // The manager's thread also applies health changes: a kubelet that does
  // not answer must not hold it for a timeout per resource.
  kubelet_->HangRegistrations(true);
  registration_timeout_ = std::chrono::milliseconds(200);
  retry_min_ = std::chrono::hours(1);  // one pass only
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForAttempts(1, kWait));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(kubelet_->Attempts().size(), 1u) << "the pass went on to the next resource";
  kubelet_->HangRegistrations(false);
}

TEST_F(ManagerTest, AResourceTheKubeletNeverAnswersKeepsNoOtherOut) {
  // Passes start after the resource left unanswered, so the one after it
  // gets its turn.
  kubelet_->HangRegistrations(true, "nvidia.com/gpu");
  registration_timeout_ = std::chrono::milliseconds(200);
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(1, kWait));
  EXPECT_EQ(kubelet_->Registrations()[0].resource_name(), "nvidia.com/mig-1g.10gb");
  kubelet_->HangRegistrations(false);
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
}

TEST_F(ManagerTest, ServesWithoutRegisteringWhenNoKubeletSocket) {
  StartManager(/*register_with_kubelet=*/false);
  PluginClient client(Socket("nvidia-gpu.sock"));
  v1beta1::DevicePluginOptions options;
  ASSERT_TRUE(client.GetDevicePluginOptions(&options).ok());
  EXPECT_EQ(kubelet_->Registrations().size(), 0u);
}

TEST_F(ManagerTest, StopRemovesSocketsBeforeOnStopped) {
  StartManager();
  ASSERT_TRUE(kubelet_->WaitForRegistrations(2, kWait));
  PluginClient client(Socket("nvidia-gpu.sock"));
  client.StartWatch();
  ASSERT_TRUE(client.WaitForList([](const auto& l) { return l.devices_size() == 2; }, kWait));
  manager_->events().Post({Kind::kStop, ""});
  thread_.join();
  EXPECT_TRUE(stopped_);
  EXPECT_FALSE(sockets_left_at_stop_);
  EXPECT_TRUE(client.WaitForWatchEnd(kWait).ok()) << "streams end with OK on stop";
  EXPECT_EQ(manager_->state(), Manager::State::kStopped);
}

}  // namespace
}  // namespace gpulet::plugin
