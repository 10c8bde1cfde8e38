#include "kube/client_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::kube {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot be read"));
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return out.str();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

absl::StatusOr<ClientConfig> InClusterConfig(const Environment& env,
                                             std::string_view service_account_dir) {
  std::optional<std::string> host = env.Get("KUBERNETES_SERVICE_HOST");
  std::optional<std::string> port = env.Get("KUBERNETES_SERVICE_PORT");
  if (!host.has_value() || host->empty() || !port.has_value() || port->empty()) {
    return absl::FailedPreconditionError(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must both be set");
  }
  ClientConfig config;
  // An IPv6 literal needs brackets in a URL, as net.JoinHostPort adds them.
  bool ipv6 = host->find(':') != std::string::npos && host->front() != '[';
  config.server = ipv6 ? absl::StrCat("https://[", *host, "]:", *port)
                       : absl::StrCat("https://", *host, ":", *port);
  std::string dir(service_account_dir);
  config.bearer_token_file = absl::StrCat(dir, "/token");
  ASSIGN_OR_RETURN(std::string token, ReadWholeFile(config.bearer_token_file));
  config.bearer_token = std::string(absl::StripAsciiWhitespace(token));
  if (config.bearer_token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(config.bearer_token_file, ": service account token is empty"));
  }
  std::string ca = absl::StrCat(dir, "/ca.crt");
  // client-go continues without the CA (falling back to system roots) and so
  // do we; a cluster whose CA is missing then fails at the TLS handshake
  // with a message that names the server.
  if (FileExists(ca)) config.ca_file = ca;
  return config;
}

absl::StatusOr<ClientConfig> KubeconfigConfig(std::string_view path,
                                              std::string_view context) {
  std::string file(path);
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  std::string base_dir = fs::path(file).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ParseKubeconfig(text, file, base_dir, context);
}

absl::StatusOr<ClientConfig> ResolveClientConfig(std::string_view kubeconfig_flag,
                                                 const Environment& env,
                                                 std::string_view service_account_dir) {
  if (!kubeconfig_flag.empty()) return KubeconfigConfig(kubeconfig_flag);
  std::optional<std::string> list = env.Get("KUBECONFIG");
  if (list.has_value() && !list->empty()) {
    for (absl::string_view entry : absl::StrSplit(*list, ':', absl::SkipEmpty())) {
      std::string file(entry);
      if (FileExists(file)) return KubeconfigConfig(file);
    }
    return absl::NotFoundError(
        absl::StrCat("KUBECONFIG=", *list, ": none of its files exists"));
  }
  absl::StatusOr<ClientConfig> in_cluster = InClusterConfig(env, service_account_dir);
  if (in_cluster.ok() || in_cluster.status().code() != absl::StatusCode::kFailedPrecondition) {
    return in_cluster;
  }
  std::optional<std::string> home = env.Get("HOME");
  if (home.has_value() && !home->empty()) {
    std::string file = absl::StrCat(*home, "/.kube/config");
    if (FileExists(file)) return KubeconfigConfig(file);
  }
  return absl::FailedPreconditionError(
      "no Kubernetes API configuration: no --kubeconfig, no KUBECONFIG, not in "
      "a cluster and no $HOME/.kube/config");
}

}  // namespace gpulet::kube
