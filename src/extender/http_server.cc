#include "extender/http_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "http/prometheus_text.h"

namespace gpulet::extender {
namespace {

constexpr char kJson[] = "application/json";

std::string ErrorBody(const std::string& message) {
  return EncodeExtenderBindingResult(ExtenderBindingResult{message});
}

http::HttpResponse JsonError(int status, std::string_view message) {
  return http::HttpResponse{status, kJson, ErrorBody(std::string(message)), {}};
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExtenderHttpServer>> ExtenderHttpServer::Start(
    const HttpServerOptions& options, Extender* extender,
    ExtenderMetrics* metrics, std::function<bool()> ready) {
  std::unique_ptr<ExtenderHttpServer> server(new ExtenderHttpServer());
  server->extender_ = extender;
  server->metrics_ = metrics;
  server->ready_ = std::move(ready);
  http::HttpServerOptions http_options;
  http_options.listen = options.listen;
  http_options.threads = options.threads;
  http_options.max_body_bytes = options.max_body_bytes;
  http_options.error_responder = JsonError;
  if (!options.tls.cert_file.empty()) {
    ASSIGN_OR_RETURN(http_options.tls, http::TlsContext::Create(options.tls));
  }
  ASSIGN_OR_RETURN(server->server_, http::HttpServer::Start(std::move(http_options),
                                                            server->Routes(options)));
  if (!options.health_listen.empty()) {
    http::HttpServerOptions health_options;
    health_options.listen = options.health_listen;
    health_options.threads = 1;
    http::HttpRouter router;
    server->AddHealthRoutes(options, router);
    ASSIGN_OR_RETURN(server->health_,
                     http::HttpServer::Start(std::move(health_options), std::move(router)));
  }
  return server;
}

ExtenderHttpServer::~ExtenderHttpServer() { Stop(); }

void ExtenderHttpServer::Stop() {
  if (server_) server_->Stop();
  if (health_) health_->Stop();
}

bool ExtenderHttpServer::Filter(const std::string& in, std::string& out) {
  absl::StatusOr<ExtenderArgs> args = DecodeExtenderArgs(in);
  ExtenderFilterResult result;
  if (!args.ok()) {
    metrics_->CountFailure("filter", "malformed");
    result.error = std::string(args.status().message());
  } else {
    result = extender_->Filter(*args);
  }
  out = EncodeExtenderFilterResult(result);
  return result.error.empty();
}

bool ExtenderHttpServer::Prioritize(const std::string& in, std::string& out) {
  absl::StatusOr<ExtenderArgs> args = DecodeExtenderArgs(in);
  absl::StatusOr<std::vector<HostPriority>> scores =
      args.ok() ? extender_->Prioritize(*args) : args.status();
  if (!scores.ok()) {
    metrics_->CountFailure("prioritize", "malformed");
    out = ErrorBody(std::string(scores.status().message()));
    return false;
  }
  out = EncodeHostPriorityList(*scores);
  return true;
}

bool ExtenderHttpServer::Bind(const std::string& in, std::string& out) {
  absl::StatusOr<ExtenderBindingArgs> args = DecodeExtenderBindingArgs(in);
  ExtenderBindingResult result;
  if (!args.ok()) {
    metrics_->CountFailure("bind", "malformed");
    result.error = std::string(args.status().message());
  } else {
    result = extender_->Bind(*args);
  }
  out = EncodeExtenderBindingResult(result);
  return result.error.empty();
}

bool ExtenderHttpServer::Preempt(const std::string& in, std::string& out) {
  absl::StatusOr<ExtenderPreemptionArgs> args = DecodeExtenderPreemptionArgs(in);
  if (!args.ok()) {
    out = ErrorBody(std::string(args.status().message()));
    return false;
  }
  out = EncodeExtenderPreemptionResult({std::move(args->node_name_to_meta_victims)});
  return true;
}

http::HttpRouter ExtenderHttpServer::Routes(const HttpServerOptions& options) {
  using Run = bool (ExtenderHttpServer::*)(const std::string&, std::string&);
  // One handler per verb: decode, run, encode, count. Only /prioritize
  // reports a bad request in the status; the others in the Error field.
  auto verb = [this](const char* name, Run run, int failure_status) {
    return [this, name, run, failure_status](const http::HttpRequest& request) {
      auto start = std::chrono::steady_clock::now();
      http::HttpResponse response{200, kJson, "", {}};
      bool ok = (this->*run)(request.body, response.body);
      if (!ok) response.status = failure_status;
      metrics_->CountRequest(name, ok, std::chrono::steady_clock::now() - start);
      return response;
    };
  };
  http::HttpRouter router;
  for (const char* prefix : {"", "/v1"}) {
    router.Post(absl::StrCat(prefix, "/filter"), verb("filter", &ExtenderHttpServer::Filter, 200));
    router.Post(absl::StrCat(prefix, "/prioritize"),
                verb("prioritize", &ExtenderHttpServer::Prioritize, 400));
    router.Post(absl::StrCat(prefix, "/bind"), verb("bind", &ExtenderHttpServer::Bind, 200));
    router.Post(absl::StrCat(prefix, "/preempt"),
                verb("preempt", &ExtenderHttpServer::Preempt, 200));
  }
  AddHealthRoutes(options, router);
  return router;
}

void ExtenderHttpServer::AddHealthRoutes(const HttpServerOptions& options,
                                         http::HttpRouter& router) {
  router.Get("/healthz",
             [](const http::HttpRequest&) { return http::PlainText(200, "ok\n"); });
  router.Get("/readyz", [this](const http::HttpRequest&) {
    bool ready = ready_ ? ready_() : true;
    return ready ? http::PlainText(200, "ok\n")
                 : http::PlainText(503, "cluster state not synced yet\n");
  });
  router.Get(options.metrics_path, [this](const http::HttpRequest&) {
    std::string text = metrics_->Render(extender_->grants().Counts());
    if (extender_->queues().active()) {
      text += RenderQueueMetrics(extender_->queues().Shares(
          extender_->ClusterGpuMilli(), std::chrono::steady_clock::now()));
    }
    return http::HttpResponse{200, http::kPrometheusContentType, std::move(text), {}};
  });
}

}  // namespace gpulet::extender
