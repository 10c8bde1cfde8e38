// ClientConfig: where the Kubernetes API server is and how to authenticate
// to it, plus the client's timeout and retry policy; and the three ways of
// obtaining one (in-cluster service account, kubeconfig file, and the
// client-go resolution order over both).
//
// A plain value type; the functions are thread-safe (they read files and the
// Environment passed in, nothing else).
#ifndef GPULET_KUBE_CLIENT_CONFIG_H_
#define GPULET_KUBE_CLIENT_CONFIG_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/environment.h"

namespace gpulet::kube {

struct ClientConfig {
  // "https://host:port" or, for tests, "http://127.0.0.1:port". No trailing
  // slash is needed; one is ignored.
  std::string server;

  // Authentication: a bearer token, given inline or read from a file. The
  // file is re-read when the server answers 401, as client-go does for
  // projected service-account tokens that the kubelet rotates.
  std::string bearer_token;
  std::string bearer_token_file;

  // TLS. `*_data` fields hold PEM text (already base64-decoded from a
  // kubeconfig); a data field wins over the matching file field.
  std::string ca_file, ca_data;
  std::string client_cert_file, client_cert_data;
  std::string client_key_file, client_key_data;
  bool insecure_skip_tls_verify = false;

  // Per-request limit (connect + transfer) for everything but watch streams,
  // which are bounded by the watch's own timeout.
  absl::Duration request_timeout = absl::Seconds(10);
  // Attempts per call, counting the first; retryable failures (5xx, 429,
  // connection errors, timeouts) back off exponentially with jitter from
  // `initial_backoff` up to `max_backoff`.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

inline constexpr std::string_view kServiceAccountDir =
    "/var/run/secrets/kubernetes.io/serviceaccount";

// The configuration of a pod running in the cluster: server from
// KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (an IPv6 host is
// bracketed), token file `<dir>/token`, CA `<dir>/ca.crt`.
// FailedPrecondition when the variables are unset (not in a cluster);
// NotFound/InvalidArgument naming the file when the token is unreadable or
// empty.
absl::StatusOr<ClientConfig> InClusterConfig(
    const Environment& env,
    std::string_view service_account_dir = kServiceAccountDir);

// Parses kubeconfig YAML text. `context` selects a context, "" means
// `current-context`. Relative file paths are resolved against `base_dir`;
// `file_name` only appears in error messages. InvalidArgument naming the
// file and field for malformed input (not YAML, missing cluster, user or
// context, bad base64, unknown current-context).
absl::StatusOr<ClientConfig> ParseKubeconfig(std::string_view text,
                                             std::string_view file_name,
                                             std::string_view base_dir,
                                             std::string_view context = "");

// Reads and parses the kubeconfig file at `path` (see ParseKubeconfig);
// relative paths inside it are relative to its directory. NotFound when the
// file does not exist.
absl::StatusOr<ClientConfig> KubeconfigConfig(std::string_view path,
                                              std::string_view context = "");

// The configuration client-go would pick: the kubeconfig named by the flag,
// else every file of $KUBECONFIG (the first that exists; gpulet does not
// merge several), else the in-cluster service account, else
// $HOME/.kube/config. FailedPrecondition when none applies.
absl::StatusOr<ClientConfig> ResolveClientConfig(
    std::string_view kubeconfig_flag, const Environment& env,
    std::string_view service_account_dir = kServiceAccountDir);

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_CLIENT_CONFIG_H_
