// CurlTransport: one HTTP(S) exchange with the API server over libcurl,
// with the TLS material and timeouts of a ClientConfig. It knows nothing of
// Kubernetes paths, retries or status mapping (client.cc does).
//
// Thread-safe: Perform() may run concurrently; each call takes an easy
// handle from a small pool (so connections are reused) or, for streams, a
// handle of its own. curl_global_init runs once per process.
#ifndef GPULET_KUBE_CURL_TRANSPORT_H_
#define GPULET_KUBE_CURL_TRANSPORT_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kube/client_config.h"

namespace gpulet::kube {

// Interrupts one streaming request promptly from another thread: Cancel()
// shuts the request's socket down, so a read blocked in the kernel returns
// at once. Thread-safe. Must outlive the request it is passed to.
class StreamCanceller {
 public:
  void Cancel();
  bool cancelled() const;
  // Re-arms after a cancelled request, for the next one.
  void Reset();

  // Called by the transport around the socket's life.
  int OpenSocket(int domain, int type, int protocol);
  void CloseSocket(int fd);

 private:
  mutable std::mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // path and query, e.g. "/api/v1/nodes?limit=500"
  std::string body;
  std::string content_type;
  std::string bearer_token;
  // Total time allowed (connect + transfer); the connect phase alone is
  // bounded by ClientConfig::request_timeout.
  absl::Duration timeout = absl::Seconds(10);
  // When set, the body of a 2xx answer is handed over in pieces as it
  // arrives instead of being collected; returning false aborts the transfer.
  std::function<bool(std::string_view)> on_data;
  StreamCanceller* canceller = nullptr;  // optional, streams only
};

struct HttpResponse {
  long code = 0;
  std::string body;         // empty for a streamed 2xx answer
  std::string retry_after;  // the Retry-After header, if any
};

class CurlTransport {
 public:
  // InvalidArgument when the server URL is not http(s).
  static absl::StatusOr<std::unique_ptr<CurlTransport>> Create(const ClientConfig& config);
  ~CurlTransport();
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Performs the exchange. Any HTTP answer is OK here, whatever its code.
  // Failures: Unavailable (cannot connect, connection dropped),
  // DeadlineExceeded (timeout), Cancelled (canceller), Internal (anything
  // else libcurl reports). `*connected` tells whether the request may have
  // reached the server (false only when the connection was never made).
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request, bool* connected);

 private:
  explicit CurlTransport(ClientConfig config) : config_(std::move(config)) {}
  void* Acquire();
  void Release(void* handle);
  void ApplyTls(void* handle) const;

  const ClientConfig config_;
  std::mutex mu_;
  std::vector<void*> idle_ ABSL_GUARDED_BY(mu_);  // CURL* handles
};

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_CURL_TRANSPORT_H_
