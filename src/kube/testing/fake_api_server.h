// FakeApiServer: an in-memory Kubernetes API server on 127.0.0.1 (plain
// HTTP, cpp-httplib) for tests of anything that uses gpulet::kube::Client.
//
// It serves nodes and pods: GET, LIST (labelSelector, fieldSelector
// metadata.name / metadata.namespace / spec.nodeName, limit + continue),
// WATCH (chunked newline-delimited events from a resourceVersion, BOOKMARK,
// timeoutSeconds, 410 as an ERROR event once the history is compacted),
// PATCH (application/merge-patch+json), PUT (409 on a stale
// resourceVersion), DELETE, POST to collections and POST
// pods/{name}/binding (sets spec.nodeName; 409 if already bound). Other
// resources, including custom ones under /apis/{group}/{version}/, are
// stored and served the same way. Resource versions come from one counter,
// as the real server's do.
//
// Test controls change objects (emitting watch events), inject failures or
// raw (malformed) answers, add latency, drop or poison open watch streams,
// compact the history, and record requests.
//
// Thread-safe: httplib serves requests on its own pool while a test calls
// the controls from any thread. The destructor ends open watch streams and
// stops the server.
//
// Example:
//   ASSERT_OK_AND_ASSIGN(auto server, FakeApiServer::Start());
//   server->AddNode(NodeObject("node-1"));
//   ASSERT_OK_AND_ASSIGN(auto client, Client::Create(server->client_config()));
#ifndef GPULET_KUBE_TESTING_FAKE_API_SERVER_H_
#define GPULET_KUBE_TESTING_FAKE_API_SERVER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kube/client_config.h"
#include "kube/testing/fake_store.h"
#include "nlohmann/json.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace gpulet::kube::testing {

// Minimal objects for tests.
nlohmann::json NodeObject(std::string_view name,
                          const std::map<std::string, std::string>& labels = {});
nlohmann::json PodObject(std::string_view ns, std::string_view name,
                         std::string_view node_name = "",
                         const std::map<std::string, std::string>& labels = {});

struct RecordedRequest {
  std::string method;
  std::string path;  // without the query
  std::multimap<std::string, std::string> params;
  std::string body;
  std::string content_type;
  std::string authorization;
};

class FakeApiServer {
 public:
  // Binds 127.0.0.1 on a free port and starts serving.
  static absl::StatusOr<std::unique_ptr<FakeApiServer>> Start();
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  int port() const { return port_; }
  std::string url() const;
  // A config for this server with short back-offs, for fast tests.
  ClientConfig client_config() const;

  // --- Objects. Each change emits the watch event the API server would. ---
  // Return the stored object (with uid and resourceVersion) or
  // AlreadyExists / NotFound.
  absl::StatusOr<nlohmann::json> AddNode(nlohmann::json node);
  absl::StatusOr<nlohmann::json> AddPod(nlohmann::json pod);
  absl::StatusOr<nlohmann::json> UpdateNode(nlohmann::json node);
  absl::StatusOr<nlohmann::json> UpdatePod(nlohmann::json pod);
  absl::Status DeleteNode(std::string_view name);
  absl::Status DeletePod(std::string_view ns, std::string_view name);
  // Any other resource, named as "{group}/{version}/{resource}" (e.g.
  // "nfd.k8s-sigs.io/v1alpha1/nodefeatures"); `ns` "" for cluster-scoped.
  absl::StatusOr<nlohmann::json> AddObject(const std::string& resource, nlohmann::json object);
  std::optional<nlohmann::json> GetObject(const std::string& resource, std::string_view ns,
                                          std::string_view name) const;
  std::optional<nlohmann::json> GetNode(std::string_view name) const;
  std::optional<nlohmann::json> GetPod(std::string_view ns, std::string_view name) const;
  // Every object of a resource ("nodes", "pods", ...), sorted by namespace
  // and name.
  std::vector<nlohmann::json> Objects(const std::string& resource) const;
  std::string ResourceVersion() const;

  // --- Faults. `method` "" matches any method; `path` is matched exactly
  // against the request path without its query. ---
  // The next `count` matching requests get `code` with a v1.Status body and
  // the extra `headers` (e.g. {"Retry-After", "1"}).
  void FailNextRequests(std::string_view method, std::string_view path, int count, int code,
                        std::map<std::string, std::string> headers = {});
  // The next `count` matching requests get `body` verbatim with `code`.
  void RespondRawToNextRequests(std::string_view method, std::string_view path, int count,
                                int code, std::string body);
  // Every request waits this long before being handled.
  void SetLatency(absl::Duration latency);
  // LIST pages hold at most this many items even if the client asks for more.
  void SetMaxPageSize(size_t size);
  // Cuts every open watch stream without the closing chunk, as a dropped
  // connection would.
  void DropWatches();
  // Sends a BOOKMARK at the current resourceVersion on every open watch.
  void SendBookmarks();
  // Writes `line` (plus a newline) to every open watch stream.
  void InjectWatchLine(std::string line);
  // Forgets the event history: a watch from any earlier version gets 410.
  void CompactHistory();

  // --- Records. ---
  int RequestCount(std::string_view method, std::string_view path) const;
  std::vector<RecordedRequest> Requests() const;
  // Bodies of PATCH and binding POST requests, in arrival order.
  std::vector<std::string> PatchBodies() const;
  std::vector<std::string> BindingBodies() const;
  int OpenWatches() const;
  // Blocks until `count` watch streams are open; false after `timeout`.
  bool WaitForWatches(int count, absl::Duration timeout) const;

 private:
  struct Fault {
    std::string method, path;
    int remaining;
    int code;
    std::string body;
    std::map<std::string, std::string> headers;
  };

  // A parsed request path: "/api/v1/[namespaces/{ns}/]{resource}[/{name}
  // [/{subresource}]]" or the same under "/apis/{group}/{version}/".
  struct ApiPath {
    std::string group_version;  // "" for the core API
    std::string resource, ns, name, subresource;
    // The store's name for the resource: "pods", "example.com/v1/widgets".
    std::string store_key() const;
  };
  using Handler = void (FakeApiServer::*)(const httplib::Request&, httplib::Response&,
                                          const ApiPath&);

  FakeApiServer();
  static std::optional<ApiPath> ParsePath(const std::string& path);
  void Route();
  void Handle(const httplib::Request& req, httplib::Response& res, Handler handler);
  bool ApplyFault(const httplib::Request& req, httplib::Response& res);
  void HandleGet(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void HandleGetObject(httplib::Response& res, const ApiPath& path);
  void HandlePost(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void HandlePut(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void HandlePatch(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void HandleDelete(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void HandleBinding(httplib::Response& res, const ApiPath& path,
                     const nlohmann::json& binding);
  void ServeList(const httplib::Request& req, httplib::Response& res,
                 const std::string& resource, const Selector& selector);
  void ServeWatch(const httplib::Request& req, httplib::Response& res,
                  const std::string& resource, const Selector& selector);
  // Applies `change` to the store under the lock and wakes watch streams.
  absl::StatusOr<nlohmann::json> Change(
      const std::function<absl::StatusOr<nlohmann::json>(FakeStore&)>& change);

  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  FakeStore store_ ABSL_GUARDED_BY(mu_);
  std::vector<Fault> faults_ ABSL_GUARDED_BY(mu_);
  absl::Duration latency_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  size_t max_page_size_ ABSL_GUARDED_BY(mu_) = 0;
  // Generations that open streams compare with what they last saw.
  int64_t drop_generation_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t bookmark_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> injected_lines_ ABSL_GUARDED_BY(mu_);
  int open_watches_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::kube::testing

#endif  // GPULET_KUBE_TESTING_FAKE_API_SERVER_H_
