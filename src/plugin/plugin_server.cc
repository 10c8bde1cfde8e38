#include "plugin/plugin_server.h"

#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

constexpr std::string_view kVendorPrefix = "nvidia.com/";

absl::Status Unlink(const std::string& path) {
  if (unlink(path.c_str()) == 0 || errno == ENOENT) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("removing socket ", path, ": ", std::strerror(errno)));
}

}  // namespace

std::string SocketNameForResource(std::string_view resource_name) {
  std::string_view name = resource_name;
  if (name.starts_with(kVendorPrefix)) name.remove_prefix(kVendorPrefix.size());
  std::string out = "nvidia-";
  for (char c : name) out += c == '/' ? '-' : c;
  return out + ".sock";
}

PluginServer::PluginServer(std::string resource_name, std::string socket_path,
                           std::shared_ptr<ResourcePublisher> publisher,
                           std::shared_ptr<PluginMetrics> metrics)
    : resource_name_(std::move(resource_name)),
      socket_path_(std::move(socket_path)),
      publisher_(publisher),
      service_(resource_name_, std::move(publisher), std::move(metrics)) {}

PluginServer::~PluginServer() {
  if (serving()) {
    if (absl::Status s = Stop(std::chrono::milliseconds(0)); !s.ok()) {
      spdlog::warn("{}", AsStd(s.message()));
    }
  }
}

absl::Status PluginServer::Start() {
  if (socket_path_.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket path ", socket_path_, " is longer than ",
        sizeof(sockaddr_un::sun_path) - 1, " bytes"));
  }
  // gRPC's own failure says only "No address added": name the cause an
  // operator can act on.
  std::filesystem::path parent = std::filesystem::path(socket_path_).parent_path();
  std::string dir = parent.empty() ? std::string("./") : parent.string() + "/";
  if (access(dir.c_str(), F_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot serve ", resource_name_, ": the socket directory ", dir,
        " does not exist (the kubelet creates it; is the kubelet running, and "
        "does --kubelet-socket name its device-plugins directory?)"));
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot serve ", resource_name_, ": no write access to the socket directory ",
        dir, ": ", std::strerror(errno)));
  }
  if (absl::Status s = Unlink(socket_path_); !s.ok()) return s;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket_path_, grpc::InsecureServerCredentials());
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("serving ", resource_name_, " on ", socket_path_, " failed"));
  }
  return absl::OkStatus();
}

absl::Status PluginServer::Stop(std::chrono::milliseconds grace) {
  if (!serving()) return absl::OkStatus();
  service_.StopStreams();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
  return Unlink(socket_path_);
}

}  // namespace gpulet::plugin
