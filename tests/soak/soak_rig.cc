#include "soak_rig.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "mock/nvml/mock_test_files.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::soak {
namespace {

constexpr char kNode[] = "soak-node";
constexpr char kConfigLabel[] = "nvidia.com/device-plugin.config";
constexpr auto kStartWait = std::chrono::seconds(30);

std::string Ms(std::chrono::milliseconds d) { return absl::StrCat(d.count(), "ms"); }

// A port nobody listens on now; the agent binds it a moment later.
absl::StatusOr<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    int error = errno;
    close(fd);
    return absl::ErrnoToStatus(error, "bind 127.0.0.1:0");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

std::string SharingConfig(int replicas) {
  return absl::StrCat("version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
                      "      - name: nvidia.com/gpu\n        replicas: ", replicas, "\n");
}

absl::StatusOr<std::unique_ptr<SoakRig>> SoakRig::Start(RigOptions options) {
  RETURN_IF_ERROR(FeaturesDir::PrepareMountNamespace());
  std::unique_ptr<SoakRig> rig(new SoakRig(std::move(options)));
  RETURN_IF_ERROR(rig->Prepare());
  RETURN_IF_ERROR(rig->LaunchAgent());
  return rig;
}

absl::Status SoakRig::Prepare() {
  if (dir_.path().empty()) return absl::InternalError("no temporary directory");
  ASSIGN_OR_RETURN(layouts_, SoakLayouts(options_.machines_dir));
  RETURN_IF_ERROR(WriteProfile(layouts_[0]));
  ASSIGN_OR_RETURN(features_, FeaturesDir::Create(dir_.Join("features.d")));
  if (mkdir(dir_.Join("configs").c_str(), 0755) != 0) return absl::ErrnoToStatus(errno, "mkdir");
  RETURN_IF_ERROR(WriteConfig(kConfigA, SharingConfig(2)));
  RETURN_IF_ERROR(WriteConfig(kConfigB, SharingConfig(3)));
  RETURN_IF_ERROR(WriteConfig("default", SharingConfig(2)));
  RETURN_IF_ERROR(WriteConfig(kConfigGarbage, "version: v1\nsharing: [\n"));
  ASSIGN_OR_RETURN(kubelet_, testing::KubeletEmulator::Start(dir_.path()));
  ASSIGN_OR_RETURN(api_, kube::testing::FakeApiServer::Start());
  RETURN_IF_ERROR(api_->AddNode(kube::testing::NodeObject(kNode, {{kConfigLabel, kConfigA}}))
                      .status());
  ASSIGN_OR_RETURN(metrics_port_, FreePort());
  checker_ = std::make_unique<InvariantChecker>(
      CheckerOptions{.recovery_window = options_.recovery_window,
                     .rescan_interval = options_.rescan_interval,
                     .labels_path = features_->path() + "/gfd",
                     .good_replicas = {2, 3}},
      layouts_[0]);
  watchers_ = std::make_unique<ListWatchers>(
      dir_.path(), [this](const auto& r, const auto& l) { checker_->OnList(r, l); },
      [this](const std::string& r) { checker_->OnStreamEnd(r); });
  return absl::OkStatus();
}

absl::Status SoakRig::LaunchAgent() {
  std::string kubeconfig = dir_.Join("kubeconfig");
  RETURN_IF_ERROR(WriteFileAtomically(kubeconfig, testing::KubeconfigFor(api_->url()), 0600));
  std::vector<std::string> args = {
      "node",
      "--nvml-library", options_.nvml_library,
      "--kubelet-socket", kubelet_->socket_path(),
      "--mig-strategy", "mixed",
      "--rescan-interval", Ms(options_.rescan_interval),
      "--health-recovery-window", Ms(options_.recovery_window),
      "--metrics-address", absl::StrCat("127.0.0.1:", metrics_port_),
      "--output-file", features_->path() + "/gfd",
      "--sleep-interval", Ms(options_.sleep_interval),
      "--config-file-srcdir", dir_.Join("configs"),
      "--kubeconfig", kubeconfig,
  };
  std::lock_guard lock(agent_mu_);
  ASSIGN_OR_RETURN(agent_, testing::PluginProcess::Start({
                               .binary = options_.gpulet,
                               .args = std::move(args),
                               .env = {absl::StrCat("NODE_NAME=", kNode),
                                       "GPULET_MOCK_MACHINE=" + dir_.Join("machine.yaml"),
                                       "GPULET_MOCK_CONTROL=" + dir_.Join("control")},
                               .log_path = dir_.Join("agent.log"),
                           }));
  agent_pid_ = agent_->pid();
  features_->SetAgent(agent_pid_);
  if (!kubelet_->WaitForRegistrations(1, kStartWait)) {
    return absl::DeadlineExceededError(
        absl::StrCat("gpulet node did not register in 30 s:\n", agent_->Log()));
  }
  return absl::OkStatus();
}

SoakRig::~SoakRig() {
  // The watchers call into the checker; they go first.
  watchers_.reset();
  (void)StopAgent();
}

std::string SoakRig::LogTail(size_t bytes) const {
  std::lock_guard lock(agent_mu_);
  if (agent_ == nullptr) return "";
  std::string log = agent_->Log();
  return log.size() > bytes ? log.substr(log.size() - bytes) : log;
}

absl::Status SoakRig::SaveLog(const std::string& path) const {
  std::lock_guard lock(agent_mu_);
  if (agent_ == nullptr) return absl::FailedPreconditionError("no agent was started");
  return WriteFileAtomically(path, agent_->Log(), 0644);
}

void SoakRig::Control(const std::string& line) const {
  mock::AppendControl(dir_.Join("control"), line);
}

absl::Status SoakRig::WriteProfile(const Layout& layout) const {
  return WriteFileAtomically(dir_.Join("machine.yaml"), layout.profile_yaml, 0644);
}

absl::Status SoakRig::WriteConfig(const std::string& name, const std::string& text) const {
  return WriteFileAtomically(dir_.Join("configs/" + name), text, 0644);
}

absl::Status SoakRig::LabelNode(const std::string& config) const {
  return api_->UpdateNode(kube::testing::NodeObject(kNode, {{kConfigLabel, config}})).status();
}

absl::Status SoakRig::SignalAgent(int signal) {
  std::lock_guard lock(agent_mu_);
  return agent_->Signal(signal);
}

std::optional<int> SoakRig::AgentExit() {
  std::lock_guard lock(agent_mu_);
  return agent_->WaitForExit(std::chrono::milliseconds(0));
}

std::optional<int> SoakRig::StopAgent() {
  std::lock_guard lock(agent_mu_);
  if (agent_ == nullptr) return std::nullopt;
  (void)agent_->Signal(SIGTERM);
  return agent_->WaitForExit(std::chrono::seconds(20));
}

void SoakRig::RefreshWatchers() { watchers_->Refresh(kubelet_->Registrations()); }

}  // namespace gpulet::soak
