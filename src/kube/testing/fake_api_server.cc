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

void ReplyError(httplib::Response& res, const absl::Status& status);

// `code` with the object, or the error's status.
void Reply(httplib::Response& res, int code, const absl::StatusOr<nlohmann::json>& object) {
  if (!object.ok()) return ReplyError(res, object.status());
  Reply(res, code, *object);
}

void ReplyError(httplib::Response& res, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ReplyStatus(res, 404, "NotFound", AsStd(status.message()));
    case absl::StatusCode::kAlreadyExists:
      return ReplyStatus(res, 409, "AlreadyExists", AsStd(status.message()));
    case absl::StatusCode::kAborted:
      return ReplyStatus(res, 409, "Conflict", AsStd(status.message()));
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

// "/api/v1/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]" and the
// same under "/apis/{group}/{version}/".
std::optional<FakeApiServer::ApiPath> FakeApiServer::ParsePath(const std::string& path) {
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  ApiPath out;
  size_t i;
  if (parts.size() >= 4 && parts[1] == "api" && parts[2] == "v1") {
    i = 3;
  } else if (parts.size() >= 5 && parts[1] == "apis") {
    out.group_version = absl::StrCat(parts[2], "/", parts[3]);
    i = 4;
  } else {
    return std::nullopt;
  }
  if (parts[i] == "namespaces" && parts.size() >= i + 3) {
    out.ns = parts[i + 1];
    i += 2;
  }
  out.resource = parts[i];
  if (parts.size() > i + 1) out.name = parts[i + 1];
  if (parts.size() > i + 2) out.subresource = parts[i + 2];
  if (parts.size() > i + 3 || out.resource.empty()) return std::nullopt;
  if (out.resource == "nodes" && !out.ns.empty()) return std::nullopt;
  return out;
}

std::string FakeApiServer::ApiPath::store_key() const {
  return group_version.empty() ? resource : absl::StrCat(group_version, "/", resource);
}

FakeApiServer::FakeApiServer() : server_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<FakeApiServer>> FakeApiServer::Start() {
  std::unique_ptr<FakeApiServer> fake(new FakeApiServer());
  fake->server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  // httplib writes headers and body separately; with Nagle's algorithm the
  // body then waits for the client's delayed ACK (40 ms per request).
  fake->server_->set_tcp_nodelay(true);
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
  const char* kAnyApiPath = R"(/apis?/.+)";
  server_->Get(kAnyApiPath, bind(&FakeApiServer::HandleGet));
  server_->Post(kAnyApiPath, bind(&FakeApiServer::HandlePost));
  server_->Put(kAnyApiPath, bind(&FakeApiServer::HandlePut));
  server_->Patch(kAnyApiPath, bind(&FakeApiServer::HandlePatch));
  server_->Delete(kAnyApiPath, bind(&FakeApiServer::HandleDelete));
}

void FakeApiServer::Handle(const httplib::Request& req, httplib::Response& res,
                           Handler handler) {
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
  std::optional<ApiPath> path = ParsePath(req.path);
  if (!path.has_value()) {
    return ReplyStatus(res, 404, "NotFound", absl::StrCat("no API at ", req.path));
  }
  (this->*handler)(req, res, *path);
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

void FakeApiServer::HandleGet(const httplib::Request& req, httplib::Response& res,
                              const ApiPath& path) {
  if (!path.name.empty()) return HandleGetObject(res, path);
  absl::StatusOr<Selector> selector =
      Selector::Parse(path.ns, Param(req, "labelSelector"), Param(req, "fieldSelector"));
  if (!selector.ok()) {
    return ReplyStatus(res, 400, "BadRequest", AsStd(selector.status().message()));
  }
  std::string watch = Param(req, "watch");
  if (watch == "1" || watch == "true") return ServeWatch(req, res, path.store_key(), *selector);
  ServeList(req, res, path.store_key(), *selector);
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

void FakeApiServer::HandleGetObject(httplib::Response& res, const ApiPath& path) {
  std::optional<nlohmann::json> object;
  {
    std::lock_guard<std::mutex> lock(mu_);
    object = store_.Get(path.store_key(), path.ns, path.name);
  }
  if (!object.has_value()) {
    return ReplyStatus(res, 404, "NotFound",
                       absl::StrCat(path.resource, " \"", path.name, "\" not found"));
  }
  Reply(res, 200, *object);
}

void FakeApiServer::HandlePatch(const httplib::Request& req, httplib::Response& res,
                                const ApiPath& path) {
  if (req.get_header_value("Content-Type") != "application/merge-patch+json") {
    return ReplyStatus(res, 415, "UnsupportedMediaType",
                       "only application/merge-patch+json is supported");
  }
  nlohmann::json patch = nlohmann::json::parse(req.body, nullptr, false);
  if (!patch.is_object()) return ReplyStatus(res, 400, "BadRequest", "patch is not an object");
  Reply(res, 200, Change([&](FakeStore& store) {
          return store.MergePatch(path.store_key(), path.ns, path.name, patch);
        }));
}

void FakeApiServer::HandlePut(const httplib::Request& req, httplib::Response& res,
                              const ApiPath& path) {
  nlohmann::json object = nlohmann::json::parse(req.body, nullptr, false);
  if (!object.is_object() || path.name.empty()) {
    return ReplyStatus(res, 400, "BadRequest", "body is not an object");
  }
  object["metadata"]["name"] = path.name;
  if (!path.ns.empty()) object["metadata"]["namespace"] = path.ns;
  std::string expected = object["metadata"].value("resourceVersion", "");
  Reply(res, 200, Change([&](FakeStore& store) -> absl::StatusOr<nlohmann::json> {
          std::optional<nlohmann::json> current = store.Get(path.store_key(), path.ns, path.name);
          if (current.has_value() && !expected.empty() &&
              (*current)["metadata"].value("resourceVersion", "") != expected) {
            return absl::AbortedError(absl::StrCat(
                "Operation cannot be fulfilled on ", path.resource, " \"", path.name,
                "\": the object has been modified; please apply your changes to the "
                "latest version and try again"));
          }
          return store.Update(path.store_key(), object);
        }));
}

void FakeApiServer::HandleDelete(const httplib::Request&, httplib::Response& res,
                                 const ApiPath& path) {
  Reply(res, 200, Change([&](FakeStore& store) {
          return store.Delete(path.store_key(), path.ns, path.name);
        }));
}

void FakeApiServer::HandlePost(const httplib::Request& req, httplib::Response& res,
                               const ApiPath& path) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object()) return ReplyStatus(res, 400, "BadRequest", "body is not an object");
  if (path.resource == "pods" && path.subresource == "binding") {
    return HandleBinding(res, path, body);
  }
  if (!path.name.empty()) return ReplyStatus(res, 405, "MethodNotAllowed", "POST to an object");
  if (!path.ns.empty()) body["metadata"]["namespace"] = path.ns;
  Reply(res, 201, Change([&](FakeStore& store) { return store.Create(path.store_key(), body); }));
}

void FakeApiServer::HandleBinding(httplib::Response& res, const ApiPath& path,
                                  const nlohmann::json& binding) {
  const nlohmann::json target = binding.value("target", nlohmann::json::object());
  if (!target.is_object() || target.value("name", "").empty()) {
    return ReplyStatus(res, 400, "BadRequest", "binding has no target.name");
  }
  std::string node = target["name"];
  const nlohmann::json metadata = binding.value("metadata", nlohmann::json::object());
  std::string uid = metadata.is_object() ? metadata.value("uid", "") : "";
  absl::StatusOr<nlohmann::json> bound =
      Change([&](FakeStore& store) -> absl::StatusOr<nlohmann::json> {
        std::optional<nlohmann::json> pod = store.Get("pods", path.ns, path.name);
        if (!pod.has_value()) {
          return absl::NotFoundError(absl::StrCat("pods \"", path.name, "\" not found"));
        }
        std::string current = (*pod)["spec"].value("nodeName", "");
        if (!uid.empty() && (*pod)["metadata"].value("uid", "") != uid) {
          return absl::AbortedError(
              absl::StrCat("pod ", path.name, ": UID precondition failed"));
        }
        if (!current.empty()) {
          return absl::AbortedError(absl::StrCat("pod ", path.name,
                                                 " is already assigned to node \"", current,
                                                 "\""));
        }
        (*pod)["spec"]["nodeName"] = node;
        return store.Update("pods", *std::move(pod));
      });
  if (!bound.ok()) return ReplyError(res, bound.status());
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

absl::StatusOr<nlohmann::json> FakeApiServer::AddObject(const std::string& resource,
                                                        nlohmann::json object) {
  return Change([&](FakeStore& s) { return s.Create(resource, std::move(object)); });
}

std::optional<nlohmann::json> FakeApiServer::GetObject(const std::string& resource,
                                                       std::string_view ns,
                                                       std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.Get(resource, ns, name);
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
