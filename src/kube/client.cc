#include "kube/client.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "kube/http_status.h"
#include "kube/list_page.h"
#include "kube/url.h"
#include "spdlog/spdlog.h"

namespace gpulet::kube {
namespace {

constexpr int kListPageSize = 500;
// Longest honoured Retry-After; a larger value is the server asking for more
// patience than a caller of a synchronous client has.
constexpr absl::Duration kMaxRetryAfter = absl::Seconds(30);

// Exponential back-off with jitter in [d/2, d], so that clients failing
// together do not retry together.
absl::Duration Backoff(const ClientConfig& config, int attempt, std::minstd_rand& rng) {
  absl::Duration d = config.initial_backoff;
  for (int i = 1; i < attempt && d < config.max_backoff; ++i) d *= 2;
  d = std::min(d, config.max_backoff);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return d * jitter(rng);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientConfig config) {
  if (config.max_attempts < 1) config.max_attempts = 1;
  ASSIGN_OR_RETURN(std::unique_ptr<CurlTransport> transport, CurlTransport::Create(config));
  return std::unique_ptr<Client>(new Client(std::move(config), std::move(transport)));
}

std::string Client::CollectionPath(std::string_view resource, std::string_view ns) {
  if (ns.empty()) return absl::StrCat("/api/v1/", AsAbsl(resource));
  return absl::StrCat("/api/v1/namespaces/", AsAbsl(ns), "/", AsAbsl(resource));
}

std::string Client::Token() {
  std::lock_guard<std::mutex> lock(token_mu_);
  if (!token_loaded_) {
    token_loaded_ = true;
    token_ = config_.bearer_token;
    if (token_.empty() && !config_.bearer_token_file.empty()) {
      std::ifstream in(config_.bearer_token_file);
      std::ostringstream text;
      text << in.rdbuf();
      token_ = std::string(absl::StripAsciiWhitespace(text.str()));
    }
  }
  return token_;
}

bool Client::RefreshToken() {
  if (config_.bearer_token_file.empty()) return false;
  std::ifstream in(config_.bearer_token_file);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  std::lock_guard<std::mutex> lock(token_mu_);
  if (token.empty() || token == token_) return false;
  token_ = std::move(token);
  return true;
}

absl::StatusOr<std::string> Client::Call(std::string_view method, const std::string& path,
                                         std::string body, std::string content_type) {
  HttpRequest request;
  request.method = std::string(method);
  request.path = path;
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  request.timeout = config_.request_timeout;
  const bool is_post = method == "POST";
  std::minstd_rand rng(std::random_device{}());
  bool refreshed_token = false;
  absl::Status last;
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    request.bearer_token = Token();
    bool connected = false;
    absl::StatusOr<HttpResponse> response = transport_->Perform(request, &connected);
    std::optional<absl::Duration> retry_after;
    if (!response.ok()) {
      last = response.status();
      // A POST that reached the server may have been acted on.
      if (!IsRetryableStatus(last) || (is_post && connected)) return last;
    } else if (response->code >= 200 && response->code < 300) {
      return std::move(response->body);
    } else {
      last = HttpStatusToError(method, path, response->code, response->body);
      if (response->code == 401 && !refreshed_token && RefreshToken()) {
        refreshed_token = true;
        --attempt;  // a rotated token is not a failed attempt
        continue;
      }
      bool retryable = is_post ? response->code == 429 : IsRetryableHttpCode(response->code);
      if (!retryable) return last;
      retry_after = ParseRetryAfter(response->retry_after);
    }
    if (attempt == config_.max_attempts) break;
    absl::Duration delay = retry_after.has_value() ? std::min(*retry_after, kMaxRetryAfter)
                                                   : Backoff(config_, attempt, rng);
    spdlog::debug("kube: {} {} attempt {} failed, retrying in {}: {}", method, path, attempt,
                  absl::FormatDuration(delay), AsStd(last.message()));
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(delay));
  }
  if (config_.max_attempts == 1) return last;
  return absl::Status(last.code(), absl::StrCat(last.message(), " (after ",
                                                config_.max_attempts, " attempts)"));
}

absl::StatusOr<nlohmann::json> Client::CallForObject(std::string_view method,
                                                     const std::string& path,
                                                     std::string body,
                                                     std::string content_type) {
  ASSIGN_OR_RETURN(std::string response,
                   Call(method, path, std::move(body), std::move(content_type)));
  return ParseObjectBody(method, path, response);
}

absl::StatusOr<nlohmann::json> Client::GetNode(std::string_view name) {
  return GetObject(absl::StrCat("/api/v1/nodes/", AsAbsl(name)));
}

absl::StatusOr<nlohmann::json> Client::GetPod(std::string_view ns, std::string_view name) {
  return GetObject(absl::StrCat(CollectionPath("pods", ns), "/", AsAbsl(name)));
}

absl::StatusOr<nlohmann::json> Client::GetObject(std::string_view path) {
  return CallForObject("GET", std::string(path));
}

absl::StatusOr<nlohmann::json> Client::CreateObject(std::string_view collection_path,
                                                    const nlohmann::json& object) {
  return CallForObject("POST", std::string(collection_path), object.dump(),
                       "application/json");
}

absl::StatusOr<nlohmann::json> Client::ReplaceObject(std::string_view path,
                                                     const nlohmann::json& object) {
  return CallForObject("PUT", std::string(path), object.dump(), "application/json");
}

absl::StatusOr<nlohmann::json> Client::MergePatchObject(std::string_view path,
                                                        const nlohmann::json& patch) {
  return CallForObject("PATCH", std::string(path), patch.dump(),
                       "application/merge-patch+json");
}

absl::Status Client::DeleteObject(std::string_view path) {
  return Call("DELETE", std::string(path)).status();
}

absl::StatusOr<ObjectList> Client::List(const std::string& collection_path,
                                        const ListOptions& options) {
  ObjectList list;
  std::string continue_token;
  do {
    std::string path =
        absl::StrCat(collection_path, "?limit=", kListPageSize, SelectorQuery(options));
    if (!continue_token.empty()) {
      absl::StrAppend(&path, "&continue=", QueryEscape(continue_token));
    }
    ASSIGN_OR_RETURN(nlohmann::json body, CallForObject("GET", path));
    absl::StatusOr<ListPage> page = ParseListPage(body);
    if (!page.ok()) {
      return absl::InternalError(absl::StrCat("GET ", path, ": ", page.status().message()));
    }
    std::move(page->items.begin(), page->items.end(), std::back_inserter(list.items));
    // The first page's version is the snapshot the later pages belong to.
    if (list.resource_version.empty()) list.resource_version = page->resource_version;
    continue_token = std::move(page->continue_token);
  } while (!continue_token.empty());
  return list;
}

absl::StatusOr<ObjectList> Client::ListNodes(const ListOptions& options) {
  return List(CollectionPath("nodes", ""), options);
}

absl::StatusOr<ObjectList> Client::ListPods(std::string_view ns, const ListOptions& options) {
  return List(CollectionPath("pods", ns), options);
}

absl::Status Client::PatchAnnotations(const std::string& path,
                                      const AnnotationPatch& annotations) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [key, value] : annotations) {
    values[key] = value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
  }
  return MergePatchObject(path, {{"metadata", {{"annotations", values}}}}).status();
}

absl::Status Client::PatchNodeAnnotations(std::string_view node,
                                          const AnnotationPatch& annotations) {
  return PatchAnnotations(absl::StrCat("/api/v1/nodes/", AsAbsl(node)), annotations);
}

absl::Status Client::PatchPodAnnotations(std::string_view ns, std::string_view name,
                                         const AnnotationPatch& annotations) {
  return PatchAnnotations(absl::StrCat(CollectionPath("pods", ns), "/", AsAbsl(name)),
                          annotations);
}

absl::StatusOr<nlohmann::json> Client::CreatePod(std::string_view ns,
                                                 const nlohmann::json& pod) {
  if (!pod.is_object()) return absl::InvalidArgumentError("CreatePod: pod is not an object");
  nlohmann::json body = pod;
  body["apiVersion"] = "v1";
  body["kind"] = "Pod";
  body["metadata"]["namespace"] = std::string(ns);
  return CreateObject(CollectionPath("pods", ns), body);
}

absl::Status Client::CreateBinding(std::string_view ns, std::string_view pod,
                                   std::string_view pod_uid, std::string_view node) {
  nlohmann::json metadata = {{"name", std::string(pod)}, {"namespace", std::string(ns)}};
  if (!pod_uid.empty()) metadata["uid"] = std::string(pod_uid);
  nlohmann::json binding = {
      {"apiVersion", "v1"},
      {"kind", "Binding"},
      {"metadata", metadata},
      {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", std::string(node)}}},
  };
  std::string path =
      absl::StrCat(CollectionPath("pods", ns), "/", AsAbsl(pod), "/binding");
  return Call("POST", path, binding.dump(), "application/json").status();
}

absl::Status Client::Stream(const std::string& path_and_query, absl::Duration timeout,
                            const std::function<bool(std::string_view line)>& on_line,
                            StreamCanceller* canceller) {
  HttpRequest request;
  request.path = path_and_query;
  request.timeout = timeout;
  request.bearer_token = Token();
  request.canceller = canceller;
  std::string pending;
  bool stopped = false;
  request.on_data = [&](std::string_view data) {
    pending.append(data);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (line.empty()) continue;
      if (!on_line(line)) {
        stopped = true;
        return false;
      }
    }
    pending.erase(0, start);
    return true;
  };
  bool connected = false;
  ASSIGN_OR_RETURN(HttpResponse response, transport_->Perform(request, &connected));
  if (response.code < 200 || response.code >= 300) {
    if (response.code == 401) RefreshToken();
    return HttpStatusToError("GET", path_and_query, response.code, response.body);
  }
  // A final line without its newline is a cut stream, not an event.
  if (!stopped && !pending.empty()) {
    return absl::UnavailableError(absl::StrCat("GET ", path_and_query,
                                               ": stream ended inside an event"));
  }
  return absl::OkStatus();
}

}  // namespace gpulet::kube
