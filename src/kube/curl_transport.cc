#include "kube/curl_transport.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "kube/curl_library.h"

namespace gpulet::kube {
namespace {

constexpr size_t kMaxPooledHandles = 8;
// A bound on a collected (non-streamed) body; a full pod list of a large
// cluster is well below it.
constexpr size_t kMaxBodyBytes = size_t{256} << 20;

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* handle;
  bool overflow = false;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  long code = 0;
  Curl().easy_getinfo(ex->handle, CURLINFO_RESPONSE_CODE, &code);
  if (ex->request->on_data && code >= 200 && code < 300) {
    return ex->request->on_data(std::string_view(data, n)) ? n : 0;
  }
  if (ex->response->body.size() + n > kMaxBodyBytes) {
    ex->overflow = true;
    return 0;
  }
  ex->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  absl::string_view line(data, n);
  if (absl::StartsWithIgnoreCase(line, "retry-after:")) {
    ex->response->retry_after =
        std::string(absl::StripAsciiWhitespace(line.substr(sizeof("retry-after:") - 1)));
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* canceller = static_cast<StreamCanceller*>(user);
  return canceller != nullptr && canceller->cancelled() ? 1 : 0;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype, struct curl_sockaddr* address) {
  auto* canceller = static_cast<StreamCanceller*>(user);
  int fd = canceller->OpenSocket(address->family, address->socktype, address->protocol);
  return fd < 0 ? CURL_SOCKET_BAD : fd;
}

int OnCloseSocket(void* user, curl_socket_t fd) {
  static_cast<StreamCanceller*>(user)->CloseSocket(fd);
  return 0;
}

absl::Status TransportError(const HttpRequest& request, CURLcode code, const char* detail,
                            const StreamCanceller* canceller) {
  std::string where = absl::StrCat(request.method, " ", request.path, ": ");
  std::string what = detail[0] != '\0' ? detail : Curl().easy_strerror(code);
  if (canceller != nullptr && canceller->cancelled()) {
    return absl::CancelledError(absl::StrCat(where, "cancelled"));
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(absl::StrCat(where, "timed out: ", what));
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
      return absl::UnavailableError(absl::StrCat(where, what));
    case CURLE_PEER_FAILED_VERIFICATION:
      return absl::UnavailableError(
          absl::StrCat(where, "server certificate not trusted: ", what));
    default:
      return absl::InternalError(absl::StrCat(where, what));
  }
}

}  // namespace

void StreamCanceller::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

bool StreamCanceller::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void StreamCanceller::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = false;
}

int StreamCanceller::OpenSocket(int domain, int type, int protocol) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return -1;
  fd_ = ::socket(domain, type | SOCK_CLOEXEC, protocol);
  return fd_;
}

void StreamCanceller::CloseSocket(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  // Forget the descriptor before closing it, so Cancel() never shuts down a
  // number the kernel has handed to someone else.
  if (fd_ == fd) fd_ = -1;
  ::close(fd);
}

absl::StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::Create(
    const ClientConfig& config) {
  if (!absl::StartsWith(config.server, "https://") &&
      !absl::StartsWith(config.server, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server \"", config.server, "\": must start with https:// or http://"));
  }
  if (absl::Status loaded = LoadCurl(); !loaded.ok()) return loaded;
  ClientConfig copy = config;
  while (!copy.server.empty() && copy.server.back() == '/') copy.server.pop_back();
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(copy)));
}

CurlTransport::~CurlTransport() {
  for (void* handle : idle_) Curl().easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return Curl().easy_init();
}

void CurlTransport::Release(void* handle) {
  Curl().easy_reset(static_cast<CURL*>(handle));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxPooledHandles) {
      idle_.push_back(handle);
      return;
    }
  }
  Curl().easy_cleanup(static_cast<CURL*>(handle));
}

void CurlTransport::ApplyTls(void* h) const {
  CURL* handle = static_cast<CURL*>(h);
  // curl copies blobs (CURL_BLOB_COPY), so pointing into config_ is safe.
  auto blob = [](const std::string& data) {
    return curl_blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
  };
  if (!config_.ca_data.empty()) {
    curl_blob ca = blob(config_.ca_data);
    Curl().easy_setopt(handle, CURLOPT_CAINFO_BLOB, &ca);
  } else if (!config_.ca_file.empty()) {
    Curl().easy_setopt(handle, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  if (!config_.client_cert_data.empty()) {
    curl_blob cert = blob(config_.client_cert_data);
    Curl().easy_setopt(handle, CURLOPT_SSLCERT_BLOB, &cert);
  } else if (!config_.client_cert_file.empty()) {
    Curl().easy_setopt(handle, CURLOPT_SSLCERT, config_.client_cert_file.c_str());
  }
  if (!config_.client_key_data.empty()) {
    curl_blob key = blob(config_.client_key_data);
    Curl().easy_setopt(handle, CURLOPT_SSLKEY_BLOB, &key);
  } else if (!config_.client_key_file.empty()) {
    Curl().easy_setopt(handle, CURLOPT_SSLKEY, config_.client_key_file.c_str());
  }
  if (config_.insecure_skip_tls_verify) {
    Curl().easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    Curl().easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

absl::StatusOr<HttpResponse> CurlTransport::Perform(const HttpRequest& request,
                                                    bool* connected) {
  // A stream gets a handle of its own so that its socket is closed (and the
  // canceller forgets it) when the stream ends.
  bool own_handle = request.canceller != nullptr;
  CURL* handle = static_cast<CURL*>(own_handle ? Curl().easy_init() : Acquire());
  if (handle == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  HttpResponse response;
  Exchange ex{&request, &response, handle};
  std::string url = config_.server + request.path;
  char error[CURL_ERROR_SIZE] = {0};

  curl_slist* headers = Curl().slist_append(nullptr, "Accept: application/json");
  if (!request.content_type.empty()) {
    headers = Curl().slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  }
  if (!request.bearer_token.empty()) {
    headers = Curl().slist_append(headers, ("Authorization: Bearer " + request.bearer_token).c_str());
  }
  Curl().easy_setopt(handle, CURLOPT_URL, url.c_str());
  Curl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  Curl().easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  Curl().easy_setopt(handle, CURLOPT_USERAGENT, "gpulet");
  // The API server speaks HTTP(S) only; no other scheme in a kubeconfig or
  // a redirect reaches libcurl's other protocols (whose libraries the
  // container image leaves out).
  Curl().easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  Curl().easy_setopt(handle, CURLOPT_WRITEFUNCTION, OnWrite);
  Curl().easy_setopt(handle, CURLOPT_WRITEDATA, &ex);
  Curl().easy_setopt(handle, CURLOPT_HEADERFUNCTION, OnHeader);
  Curl().easy_setopt(handle, CURLOPT_HEADERDATA, &ex);
  Curl().easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
  Curl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(config_.request_timeout)));
  if (request.method != "GET") {
    Curl().easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    Curl().easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    Curl().easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  if (request.canceller != nullptr) {
    // A watch can sit idle for minutes; keepalive probes notice a peer
    // that vanished without closing the connection.
    Curl().easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    Curl().easy_setopt(handle, CURLOPT_TCP_KEEPIDLE, 30L);
    Curl().easy_setopt(handle, CURLOPT_TCP_KEEPINTVL, 10L);
    Curl().easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    Curl().easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, OnProgress);
    Curl().easy_setopt(handle, CURLOPT_XFERINFODATA, request.canceller);
    Curl().easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    Curl().easy_setopt(handle, CURLOPT_OPENSOCKETDATA, request.canceller);
    Curl().easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, OnCloseSocket);
    Curl().easy_setopt(handle, CURLOPT_CLOSESOCKETDATA, request.canceller);
  }
  ApplyTls(handle);

  CURLcode rc = Curl().easy_perform(handle);
  Curl().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.code);
  curl_off_t connect_time = 0;
  Curl().easy_getinfo(handle, CURLINFO_CONNECT_TIME_T, &connect_time);
  *connected = connect_time > 0 || response.code != 0;
  Curl().slist_free_all(headers);
  if (own_handle) {
    Curl().easy_cleanup(handle);
  } else {
    Release(handle);
  }
  if (ex.overflow) {
    return absl::ResourceExhaustedError(absl::StrCat(
        request.method, " ", request.path, ": response larger than ", kMaxBodyBytes, " bytes"));
  }
  // A stream ending because on_data refused more is the caller's decision,
  // not a transport failure.
  if (rc == CURLE_WRITE_ERROR && request.on_data && response.code >= 200 &&
      response.code < 300 && (request.canceller == nullptr || !request.canceller->cancelled())) {
    return response;
  }
  if (rc != CURLE_OK) return TransportError(request, rc, error, request.canceller);
  return response;
}

}  // namespace gpulet::kube
