#include "kube/testing/fake_api_server.h"

#include <httplib.h>

#include <chrono>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"

namespace gpulet::kube::testing {
namespace {

// Watch streams each hold a handler thread for their whole life.
constexpr size_t kServerThreads = 48;

struct ApiPath {
  std::string resource;  // "nodes" or "pods"
  std::string ns;
  std::string name;         // "" for a collection
  std::string subresource;  // "binding" or ""
};

// "/api/v1/nodes[/name]", "/api/v1/pods",
// "/api/v1/namespaces/{ns}/pods[/name[/binding]]".
std::optional<ApiPath> ParseApiPath(const std::string& path) {
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  if (parts.size() < 4 || parts[1] != "api" || parts[2] != "v1") return std::nullopt;
  ApiPath out;
  size_t i = 3;
  if (parts[i] == "namespaces") {
    if (parts.size() < 6) return std::nullopt;
    out.ns = parts[4];
    i = 5;
  }
  out.resource = parts[i];
  if (out.resource != "nodes" && out.resource != "pods") return std::nullopt;
  if (out.resource == "nodes" && !out.ns.empty()) return std::nullopt;
  if (parts.size() > i + 1) out.name = parts[i + 1];
  if (parts.size() > i + 2) out.subresource = parts[i + 2];
  if (parts.size() > i + 3) return std::nullopt;
  return out;
}

nlohmann::json StatusObject(int code, std::string_view reason, std::string_view message) {
  return {{"kind", "Status"},       {"apiVersion", "v1"},
          {"metadata", nlohmann::json::object()},
          {"status", code < 300 ? "Success" : "Failure"},
          {"message", std::string(message)},
          {"reason", std::string(reason)},
          {"code", code}};
}

void Reply(httplib::Response& res, int code, const nlohmann::json& body) {
  res.status = code;
  res.set_content(body.dump(), "application/json");
}

void ReplyStatus(httplib::Response& res, int code, std::string_view reason,
                 std::string_view message) {
  Reply(res, code, StatusObject(code, reason, message));
}

void ReplyError(httplib::Response& res, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ReplyStatus(res, 404, "NotFound", AsStd(status.message()));
    case absl::StatusCode::kAlreadyExists:
      return ReplyStatus(res, 409, "AlreadyExists", AsStd(status.message()));
    case absl::StatusCode::kInvalidArgument:
      return ReplyStatus(res, 422, "Invalid", AsStd(status.message()));
    default:
      return ReplyStatus(res, 500, "InternalError", AsStd(status.message()));
  }
}

std::string Param(const httplib::Request& req, const char* key) {
  return req.has_param(key) ? req.get_param_value(key) : "";
}

}  // namespace

nlohmann::json NodeObject(std::string_view name,
                          const std::map<std::string, std::string>& labels) {
  nlohmann::json node = {{"apiVersion", "v1"},
                         {"kind", "Node"},
                         {"metadata", {{"name", std::string(name)}}},
                         {"status", {{"capacity", {{"nvidia.com/gpu", "8"}}}}}};
  if (!labels.empty()) node["metadata"]["labels"] = labels;
  return node;
}

nlohmann::json PodObject(std::string_view ns, std::string_view name,
                         std::string_view node_name,
                         const std::map<std::string, std::string>& labels) {
  nlohmann::json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", std::string(name)}, {"namespace", std::string(ns)}}},
      {"spec", {{"containers", {{{"name", "main"}, {"image", "busybox"}}}}}}};
  if (!node_name.empty()) pod["spec"]["nodeName"] = std::string(node_name);
  if (!labels.empty()) pod["metadata"]["labels"] = labels;
  return pod;
}

FakeApiServer::FakeApiServer() : server_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<FakeApiServer>> FakeApiServer::Start() {
  std::unique_ptr<FakeApiServer> fake(new FakeApiServer());
  fake->server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  fake->Route();
  fake->port_ = fake->server_->bind_to_any_port("127.0.0.1");
  if (fake->port_ <= 0) return absl::UnavailableError("fake API server: cannot bind 127.0.0.1");
  httplib::Server* server = fake->server_.get();
  fake->listener_ = std::thread([server] { server->listen_after_bind(); });
  for (int i = 0; i < 500 && !server->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!server->is_running()) return absl::UnavailableError("fake API server did not start");
  return fake;
}

FakeApiServer::~FakeApiServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

std::string FakeApiServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

ClientConfig FakeApiServer::client_config() const {
  ClientConfig config;
  config.server = url();
  config.request_timeout = absl::Seconds(5);
  config.initial_backoff = absl::Milliseconds(5);
  config.max_backoff = absl::Milliseconds(50);
  return config;
}

void FakeApiServer::Route() {
  auto bind = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, handler);
    };
  };
  const char* kCollections = R"(/api/v1/(nodes|pods|namespaces/[^/]+/pods))";
  const char* kObjects = R"(/api/v1/(nodes|namespaces/[^/]+/pods)/[^/]+)";
  server_->Get(kCollections, bind(&FakeApiServer::HandleCollection));
  server_->Get(kObjects, bind(&FakeApiServer::HandleObject));
  server_->Patch(kObjects, bind(&FakeApiServer::HandlePatch));
  server_->Post(R"(/api/v1/namespaces/[^/]+/pods)", bind(&FakeApiServer::HandleCreatePod));
  server_->Post(R"(/api/v1/namespaces/[^/]+/pods/[^/]+/binding)",
                bind(&FakeApiServer::HandleBinding));
}

void FakeApiServer::Handle(
    const httplib::Request& req, httplib::Response& res,
    void (FakeApiServer::*handler)(const httplib::Request&, httplib::Response&)) {
  absl::Duration latency;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({req.method, req.path, req.params, req.body,
                         req.get_header_value("Content-Type"),
                         req.get_header_value("Authorization")});
    latency = latency_;
  }
  changed_.notify_all();
  if (latency > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(latency));
  }
  if (ApplyFault(req, res)) return;
  (this->*handler)(req, res);
}

bool FakeApiServer::ApplyFault(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if ((!it->method.empty() && it->method != req.method) || it->path != req.path) continue;
    res.status = it->code;
    res.set_content(it->body, "application/json");
    for (const auto& [key, value] : it->headers) res.set_header(key.c_str(), value);
    if (--it->remaining <= 0) faults_.erase(it);
    return true;
  }
  return false;
}

void FakeApiServer::HandleCollection(const httplib::Request& req, httplib::Response& res) {
  std::optional<ApiPath> path = ParseApiPath(req.path);
  if (!path.has_value()) return ReplyStatus(res, 404, "NotFound", "unknown path");
  absl::StatusOr<Selector> selector =
      Selector::Parse(path->ns, Param(req, "labelSelector"), Param(req, "fieldSelector"));
  if (!selector.ok()) return ReplyStatus(res, 400, "BadRequest", AsStd(selector.status().message()));
  std::string watch = Param(req, "watch");
  if (watch == "1" || watch == "true") return ServeWatch(req, res, path->resource, *selector);
  ServeList(req, res, path->resource, *selector);
}

void FakeApiServer::ServeList(const httplib::Request& req, httplib::Response& res,
                              const std::string& resource, const Selector& selector) {
  size_t limit = 0;
  if (!Param(req, "limit").empty() && !absl::SimpleAtoi(Param(req, "limit"), &limit)) {
    return ReplyStatus(res, 400, "BadRequest", "limit is not a number");
  }
  std::string list_rv, after_key;
  std::string token = Param(req, "continue");
  if (!token.empty()) {
    std::pair<std::string, std::string> parts = absl::StrSplit(token, absl::MaxSplits('|', 1));
    list_rv = parts.first;
    after_key = parts.second;
  }
  nlohmann::json body = {{"kind", resource == "nodes" ? "NodeList" : "PodList"},
                         {"apiVersion", "v1"}};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (max_page_size_ != 0 && (limit == 0 || limit > max_page_size_)) limit = max_page_size_;
    if (list_rv.empty()) list_rv = std::to_string(store_.resource_version());
    bool more = false;
    std::string last_key;
    body["items"] = store_.List(resource, selector, after_key, limit, &more, &last_key);
    body["metadata"] = {{"resourceVersion", list_rv}};
    if (more) body["metadata"]["continue"] = absl::StrCat(list_rv, "|", last_key);
  }
  Reply(res, 200, body);
}

void FakeApiServer::HandleObject(const httplib::Request& req, httplib::Response& res) {
  std::optional<ApiPath> path = ParseApiPath(req.path);
  if (!path.has_value()) return ReplyStatus(res, 404, "NotFound", "unknown path");
  std::optional<nlohmann::json> object;
  {
    std::lock_guard<std::mutex> lock(mu_);
    object = store_.Get(path->resource, path->ns, path->name);
  }
  if (!object.has_value()) {
    return ReplyStatus(res, 404, "NotFound",
                       absl::StrCat(path->resource, " \"", path->name, "\" not found"));
  }
  Reply(res, 200, *object);
}

void FakeApiServer::HandlePatch(const httplib::Request& req, httplib::Response& res) {
  std::optional<ApiPath> path = ParseApiPath(req.path);
  if (!path.has_value()) return ReplyStatus(res, 404, "NotFound", "unknown path");
  if (req.get_header_value("Content-Type") != "application/merge-patch+json") {
    return ReplyStatus(res, 415, "UnsupportedMediaType",
                       "only application/merge-patch+json is supported");
  }
  nlohmann::json patch = nlohmann::json::parse(req.body, nullptr, false);
  if (!patch.is_object()) return ReplyStatus(res, 400, "BadRequest", "patch is not an object");
  absl::StatusOr<nlohmann::json> patched =
      Change([&](FakeStore& store) {
        return store.MergePatch(path->resource, path->ns, path->name, patch);
      });
  if (!patched.ok()) return ReplyError(res, patched.status());
  Reply(res, 200, *patched);
}

void FakeApiServer::HandleCreatePod(const httplib::Request& req, httplib::Response& res) {
  std::optional<ApiPath> path = ParseApiPath(req.path);
  nlohmann::json pod = nlohmann::json::parse(req.body, nullptr, false);
  if (!path.has_value() || !pod.is_object()) {
    return ReplyStatus(res, 400, "BadRequest", "body is not a pod object");
  }
  pod["metadata"]["namespace"] = path->ns;
  absl::StatusOr<nlohmann::json> created =
      Change([&](FakeStore& store) { return store.Create("pods", pod); });
  if (!created.ok()) return ReplyError(res, created.status());
  Reply(res, 201, *created);
}

void FakeApiServer::HandleBinding(const httplib::Request& req, httplib::Response& res) {
  std::optional<ApiPath> path = ParseApiPath(req.path);
  nlohmann::json binding = nlohmann::json::parse(req.body, nullptr, false);
  if (!path.has_value() || !binding.is_object() || !binding["target"].is_object() ||
      binding["target"].value("name", "").empty()) {
    return ReplyStatus(res, 400, "BadRequest", "binding has no target.name");
  }
  std::string node = binding["target"]["name"];
  std::string uid = binding["metadata"].is_object() ? binding["metadata"].value("uid", "") : "";
  int code = 201;
  std::string reason, message;
  absl::StatusOr<nlohmann::json> bound = Change([&](FakeStore& store)
                                                    -> absl::StatusOr<nlohmann::json> {
    std::optional<nlohmann::json> pod = store.Get("pods", path->ns, path->name);
    if (!pod.has_value()) {
      return absl::NotFoundError(absl::StrCat("pods \"", path->name, "\" not found"));
    }
    std::string current = (*pod)["spec"].value("nodeName", "");
    if (!uid.empty() && (*pod)["metadata"].value("uid", "") != uid) {
      code = 409;
      reason = "Conflict";
      message = absl::StrCat("pod ", path->name, ": UID precondition failed");
    } else if (!current.empty()) {
      code = 409;
      reason = "Conflict";
      message = absl::StrCat("pod ", path->name, " is already assigned to node \"", current, "\"");
    }
    if (code != 201) return *pod;
    (*pod)["spec"]["nodeName"] = node;
    return store.Update("pods", *std::move(pod));
  });
  if (!bound.ok()) return ReplyError(res, bound.status());
  if (code != 201) return ReplyStatus(res, code, reason, message);
  ReplyStatus(res, 201, "", "");
}


absl::StatusOr<nlohmann::json> FakeApiServer::Change(
    const std::function<absl::StatusOr<nlohmann::json>(FakeStore&)>& change) {
  absl::StatusOr<nlohmann::json> result;
  {
    std::lock_guard<std::mutex> lock(mu_);
    result = change(store_);
  }
  changed_.notify_all();
  return result;
}

absl::StatusOr<nlohmann::json> FakeApiServer::AddNode(nlohmann::json node) {
  return Change([&](FakeStore& s) { return s.Create("nodes", std::move(node)); });
}

absl::StatusOr<nlohmann::json> FakeApiServer::AddPod(nlohmann::json pod) {
  return Change([&](FakeStore& s) { return s.Create("pods", std::move(pod)); });
}

absl::StatusOr<nlohmann::json> FakeApiServer::UpdateNode(nlohmann::json node) {
  return Change([&](FakeStore& s) { return s.Update("nodes", std::move(node)); });
}

absl::StatusOr<nlohmann::json> FakeApiServer::UpdatePod(nlohmann::json pod) {
  return Change([&](FakeStore& s) { return s.Update("pods", std::move(pod)); });
}

absl::Status FakeApiServer::DeleteNode(std::string_view name) {
  return Change([&](FakeStore& s) { return s.Delete("nodes", "", name); })
      .status();
}

absl::Status FakeApiServer::DeletePod(std::string_view ns, std::string_view name) {
  return Change([&](FakeStore& s) { return s.Delete("pods", ns, name); })
      .status();
}

std::optional<nlohmann::json> FakeApiServer::GetNode(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.Get("nodes", "", name);
}

std::optional<nlohmann::json> FakeApiServer::GetPod(std::string_view ns,
                                                    std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.Get("pods", ns, name);
}

std::vector<nlohmann::json> FakeApiServer::Objects(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  bool more = false;
  std::string last;
  return store_.List(resource, Selector{}, "", 0, &more, &last);
}

std::string FakeApiServer::ResourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::to_string(store_.resource_version());
}

void FakeApiServer::FailNextRequests(std::string_view method, std::string_view path,
                                     int count, int code,
                                     std::map<std::string, std::string> headers) {
  std::string body =
      StatusObject(code, "InjectedFailure", absl::StrCat("injected failure ", code)).dump();
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back({std::string(method), std::string(path), count, code, std::move(body),
                     std::move(headers)});
}

void FakeApiServer::RespondRawToNextRequests(std::string_view method, std::string_view path,
                                             int count, int code, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(
      {std::string(method), std::string(path), count, code, std::move(body), {}});
}

void FakeApiServer::SetLatency(absl::Duration latency) {
  std::lock_guard<std::mutex> lock(mu_);
  latency_ = latency;
}

void FakeApiServer::SetMaxPageSize(size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  max_page_size_ = size;
}

void FakeApiServer::DropWatches() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++drop_generation_;
  }
  changed_.notify_all();
}

void FakeApiServer::SendBookmarks() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++bookmark_generation_;
  }
  changed_.notify_all();
}

void FakeApiServer::InjectWatchLine(std::string line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    injected_lines_.push_back(std::move(line));
  }
  changed_.notify_all();
}

void FakeApiServer::CompactHistory() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    store_.Compact();
  }
  changed_.notify_all();
}

int FakeApiServer::RequestCount(std::string_view method, std::string_view path) const {
  std::lock_guard<std::mutex> lock(mu_);
  int count = 0;
  for (const RecordedRequest& r : requests_) {
    if ((method.empty() || r.method == method) && r.path == path) ++count;
  }
  return count;
}

std::vector<RecordedRequest> FakeApiServer::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<std::string> FakeApiServer::PatchBodies() const {
  std::vector<std::string> out;
  for (const RecordedRequest& r : Requests()) {
    if (r.method == "PATCH") out.push_back(r.body);
  }
  return out;
}

std::vector<std::string> FakeApiServer::BindingBodies() const {
  std::vector<std::string> out;
  for (const RecordedRequest& r : Requests()) {
    if (r.method == "POST" && absl::EndsWith(r.path, "/binding")) out.push_back(r.body);
  }
  return out;
}

int FakeApiServer::OpenWatches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_watches_;
}

bool FakeApiServer::WaitForWatches(int count, absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                           [&] { return open_watches_ >= count; });
}

}  // namespace gpulet::kube::testing
