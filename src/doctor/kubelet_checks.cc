#include "doctor/kubelet_checks.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "plugin/plugin_server.h"

namespace gpulet::doctor {
namespace {

bool IsSocket(const hostfs::HostView& host, const std::string& path) {
  absl::StatusOr<hostfs::FileInfo> info = host.Stat(path);
  return info.ok() && info->type == hostfs::FileInfo::Type::kSocket;
}

// Problem text for a socket that is not answering, or "" when it answers.
std::string SocketTrouble(const hostfs::HostView& host, const std::string& path) {
  if (!host.Exists(path)) return absl::StrCat(path, " does not exist");
  if (!IsSocket(host, path)) return absl::StrCat(path, " is not a socket");
  absl::Status probe = ProbeUnixSocket(host.ToAgentPath(path));
  if (probe.ok()) return "";
  return std::string(probe.message());
}

void CheckPluginSockets(const std::string& dir, const std::vector<std::string>& resources,
                        const hostfs::HostView& host, Section& section) {
  nlohmann::ordered_json sockets = nlohmann::ordered_json::object();
  for (const std::string& resource : resources) {
    std::string path = (std::filesystem::path(dir) / plugin::SocketNameForResource(resource)).string();
    std::string trouble = SocketTrouble(host, path);
    sockets[resource] = path;
    if (trouble.empty()) {
      section.Ok(absl::StrCat(resource, ": a device plugin serves ", path));
      continue;
    }
    section.Problem(
        absl::StrCat(resource, ": no device plugin serving (", trouble,
                     "); the node shows 0 allocatable ", resource),
        "start the device plugin here: check its DaemonSet's pods on this node (`kubectl get "
        "pods -A -o wide --field-selector spec.nodeName=<node>`), nodeSelector, tolerations "
        "and logs",
        true);
  }
  section.facts["plugin_sockets"] = std::move(sockets);
}

}  // namespace

absl::Status ProbeUnixSocket(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is too long for a unix socket address; cannot connect"));
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::Status(absl::ErrnoToStatusCode(errno),
                        absl::StrCat("socket(AF_UNIX): ", std::strerror(errno)));
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int result = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  int error = errno;
  close(fd);
  if (result == 0) return absl::OkStatus();
  if (error == ECONNREFUSED) {
    return absl::UnavailableError(
        absl::StrCat("nothing listens on ", path, " (a socket left by a stopped process)"));
  }
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat("connecting to ", path, ": ", std::strerror(error)));
}

void CheckKubelet(const std::string& kubelet_socket, const std::vector<std::string>& resources,
                  const hostfs::HostView& host, DoctorReport& report) {
  Section& section = report.AddSection("kubelet", "Kubelet");
  section.facts["kubelet_socket"] = kubelet_socket;
  if (kubelet_socket.empty()) {
    section.Note("--kubelet-socket is empty: the device plugin would not register");
    return;
  }
  std::string dir = std::filesystem::path(kubelet_socket).parent_path().string();
  absl::StatusOr<hostfs::FileInfo> info = host.Stat(dir);
  if (!info.ok() || info->type != hostfs::FileInfo::Type::kDirectory) {
    section.Warn(absl::StrCat("no kubelet device-plugin directory ", dir,
                              ": not a Kubernetes node, or the directory is not mounted here"),
                 "run on the node (or mount the directory); for a kubelet with another "
                 "--root-dir pass --kubelet-socket <root-dir>/device-plugins/kubelet.sock");
    return;
  }
  std::string trouble = SocketTrouble(host, kubelet_socket);
  if (!trouble.empty()) {
    section.Problem(absl::StrCat("the kubelet's device-plugin socket is not usable: ", trouble),
                    "check the kubelet (`systemctl status kubelet`, `journalctl -u kubelet`); "
                    "with another --root-dir pass --kubelet-socket to match",
                    true);
    return;
  }
  section.Ok(absl::StrCat("the kubelet listens on ", kubelet_socket));
  CheckPluginSockets(dir, resources, host, section);
}

}  // namespace gpulet::doctor
