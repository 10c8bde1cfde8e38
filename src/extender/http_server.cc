#include "extender/http_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

constexpr char kJson[] = "application/json";

std::string ErrorBody(const std::string& message) {
  return EncodeExtenderBindingResult(ExtenderBindingResult{message});
}

}  // namespace

absl::StatusOr<std::pair<std::string, int>> ParseListenAddress(
    const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address \"", address, "\" is not host:port or :port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::pair<std::string, int>(host.empty() ? "0.0.0.0" : host, port);
}

absl::StatusOr<std::unique_ptr<ExtenderHttpServer>> ExtenderHttpServer::Start(
    const HttpServerOptions& options, Extender* extender,
    ExtenderMetrics* metrics, std::function<bool()> ready) {
  auto [host, port] = ParseListenAddress(options.listen).value_or(
      std::pair<std::string, int>("", -1));
  if (port < 0) return ParseListenAddress(options.listen).status();
  std::unique_ptr<ExtenderHttpServer> server(new ExtenderHttpServer());
  server->extender_ = extender;
  server->metrics_ = metrics;
  server->ready_ = std::move(ready);
  server->server_ = std::make_unique<httplib::Server>();
  int threads = options.threads;
  server->server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server->server_->set_payload_max_length(options.max_body_bytes);
  // Without it Nagle and delayed ACKs add tens of ms to each small answer.
  server->server_->set_tcp_nodelay(true);
  server->Route(options);
  int bound = port == 0 ? server->server_->bind_to_any_port(host)
                        : (server->server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  server->port_ = bound;
  httplib::Server* raw = server->server_.get();
  server->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it.
  while (!raw->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

ExtenderHttpServer::~ExtenderHttpServer() { Stop(); }

void ExtenderHttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ExtenderHttpServer::Route(const HttpServerOptions& options) {
  using Request = httplib::Request;
  using Response = httplib::Response;
  // One handler per verb: decode, run, encode, count.
  auto verb = [this](const char* name,
                     std::function<bool(const std::string&, std::string&)> run) {
    return [this, name, run](const Request& request, Response& response) {
      auto start = std::chrono::steady_clock::now();
      std::string body;
      bool ok = run(request.body, body);
      if (!ok && std::string(name) == "prioritize") response.status = 400;
      response.set_content(body, kJson);
      metrics_->CountRequest(name, ok,
                             std::chrono::steady_clock::now() - start);
    };
  };
  auto filter = verb("filter", [this](const std::string& in, std::string& out) {
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
  });
  auto prioritize =
      verb("prioritize", [this](const std::string& in, std::string& out) {
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
      });
  auto bind = verb("bind", [this](const std::string& in, std::string& out) {
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
  });
  auto preempt = verb("preempt", [](const std::string& in, std::string& out) {
    absl::StatusOr<ExtenderPreemptionArgs> args =
        DecodeExtenderPreemptionArgs(in);
    if (!args.ok()) {
      out = ErrorBody(std::string(args.status().message()));
      return false;
    }
    out = EncodeExtenderPreemptionResult(
        {std::move(args->node_name_to_meta_victims)});
    return true;
  });
  for (const char* prefix : {"", "/v1"}) {
    server_->Post(absl::StrCat(prefix, "/filter"), filter);
    server_->Post(absl::StrCat(prefix, "/prioritize"), prioritize);
    server_->Post(absl::StrCat(prefix, "/bind"), bind);
    server_->Post(absl::StrCat(prefix, "/preempt"), preempt);
  }
  server_->Get("/healthz", [](const Request&, Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const Request&, Response& response) {
    bool ready = ready_ ? ready_() : true;
    response.status = ready ? 200 : 503;
    response.set_content(ready ? "ok\n" : "cluster state not synced yet\n",
                         "text/plain");
  });
  server_->Get(options.metrics_path, [this](const Request&, Response& response) {
    response.set_content(metrics_->Render(extender_->grants().Counts()),
                         "text/plain; version=0.0.4");
  });
  server_->set_error_handler([](const Request&, Response& response) {
    if (response.status == 413) {
      response.set_content(ErrorBody("request body exceeds the 1 MiB limit"),
                           kJson);
    } else if (response.body.empty()) {
      response.set_content(
          ErrorBody(absl::StrCat("HTTP ", response.status)), kJson);
    }
  });
}

}  // namespace gpulet::extender
