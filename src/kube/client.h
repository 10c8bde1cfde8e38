// Client: a small Kubernetes API client for nodes, pods, annotations and
// pod bindings, speaking the API's JSON (objects are nlohmann::json exactly
// as the API server sends them).
//
// Errors follow http_status.h (404 NotFound, 409 AlreadyExists/Aborted,
// 410 OutOfRange, ...); every message names the verb, the path and the API
// server's v1.Status message. Retryable failures (5xx, 429 honouring
// Retry-After, connection errors, timeouts) are retried with exponential
// back-off and jitter up to ClientConfig::max_attempts; a POST is retried
// only when the server cannot have acted on it (no connection, or 429).
//
// Thread-safe: any number of threads may call any method concurrently.
//
// Example:
//   ASSIGN_OR_RETURN(ClientConfig config, ResolveClientConfig(flag, env));
//   ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Create(config));
//   ASSIGN_OR_RETURN(nlohmann::json node, client->GetNode("node-1"));
#ifndef GPULET_KUBE_CLIENT_H_
#define GPULET_KUBE_CLIENT_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kube/client_config.h"
#include "kube/curl_transport.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube {

struct ListOptions {
  std::string label_selector;  // e.g. "app=gpulet,tier=node"
  std::string field_selector;  // e.g. "spec.nodeName=node-1"
};

struct ObjectList {
  std::vector<nlohmann::json> items;
  // The list's metadata.resourceVersion: where a watch continues from.
  std::string resource_version;
};

// Annotation key -> new value; nullopt removes the key.
using AnnotationPatch = std::map<std::string, std::optional<std::string>>;

class Client {
 public:
  // InvalidArgument for a config without a usable server URL.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientConfig config);

  absl::StatusOr<nlohmann::json> GetNode(std::string_view name);
  absl::StatusOr<nlohmann::json> GetPod(std::string_view ns, std::string_view name);

  // Lists in pages of 500, following `continue` tokens. `ns` "" lists pods
  // of all namespaces.
  absl::StatusOr<ObjectList> ListNodes(const ListOptions& options = {});
  absl::StatusOr<ObjectList> ListPods(std::string_view ns, const ListOptions& options = {});

  // JSON merge patch (application/merge-patch+json) of metadata.annotations.
  // NotFound when the object does not exist.
  absl::Status PatchNodeAnnotations(std::string_view node,
                                    const AnnotationPatch& annotations);
  absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                   const AnnotationPatch& annotations);

  // Creates a pod from its JSON (metadata.namespace is taken from `ns`).
  // AlreadyExists when a pod of that name exists.
  absl::StatusOr<nlohmann::json> CreatePod(std::string_view ns, const nlohmann::json& pod);

  // Binds the pod to `node` (what a scheduler does): POST
  // /api/v1/namespaces/{ns}/pods/{pod}/binding. `pod_uid` may be "" to skip
  // the UID precondition. Aborted (409) when the pod is already bound.
  absl::Status CreateBinding(std::string_view ns, std::string_view pod,
                             std::string_view pod_uid, std::string_view node);

  // --- Any resource by its API path, e.g.
  // "/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/ns/nodefeatures/name", with
  // the same errors and retry policy as the calls above. ---

  absl::StatusOr<nlohmann::json> GetObject(std::string_view path);
  // POST to a collection; AlreadyExists when the name is taken. Returns the
  // created object.
  absl::StatusOr<nlohmann::json> CreateObject(std::string_view collection_path,
                                              const nlohmann::json& object);
  // PUT; with metadata.resourceVersion set, Aborted when the object changed
  // since (optimistic concurrency).
  absl::StatusOr<nlohmann::json> ReplaceObject(std::string_view path,
                                               const nlohmann::json& object);
  // JSON merge patch (RFC 7386) of any part of the object.
  absl::StatusOr<nlohmann::json> MergePatchObject(std::string_view path,
                                                  const nlohmann::json& patch);
  // NotFound when already gone.
  absl::Status DeleteObject(std::string_view path);

  // --- Lower level, used by Watcher. ---

  // The path of a node or pod collection: "/api/v1/nodes",
  // "/api/v1/namespaces/{ns}/pods" or "/api/v1/pods".
  static std::string CollectionPath(std::string_view resource, std::string_view ns);

  // Lists any collection path (see CollectionPath).
  absl::StatusOr<ObjectList> List(const std::string& collection_path,
                                  const ListOptions& options);

  // Opens a watch stream at `path_and_query` and hands each
  // newline-delimited event line to `on_line` until the server ends the
  // stream (OK), `on_line` returns false (OK), the connection drops
  // (Unavailable), the stream outlasts `timeout` (DeadlineExceeded) or
  // `canceller` is cancelled (Cancelled). No retries: the caller resumes.
  absl::Status Stream(const std::string& path_and_query, absl::Duration timeout,
                      const std::function<bool(std::string_view line)>& on_line,
                      StreamCanceller* canceller);

  const ClientConfig& config() const { return config_; }

 private:
  Client(ClientConfig config, std::unique_ptr<CurlTransport> transport)
      : config_(std::move(config)), transport_(std::move(transport)) {}

  // One API call with retries; returns the 2xx body or the mapped error.
  absl::StatusOr<std::string> Call(std::string_view method, const std::string& path,
                                   std::string body = "", std::string content_type = "");
  absl::StatusOr<nlohmann::json> CallForObject(std::string_view method,
                                               const std::string& path,
                                               std::string body = "",
                                               std::string content_type = "");
  absl::Status PatchAnnotations(const std::string& path,
                                const AnnotationPatch& annotations);
  std::string Token();
  // Re-reads bearer_token_file; true when the token changed.
  bool RefreshToken();

  const ClientConfig config_;
  const std::unique_ptr<CurlTransport> transport_;
  std::mutex token_mu_;
  std::string token_ ABSL_GUARDED_BY(token_mu_);
  bool token_loaded_ ABSL_GUARDED_BY(token_mu_) = false;
};

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_CLIENT_H_
