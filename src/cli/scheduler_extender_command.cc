#include "cli/scheduler_extender_command.h"

#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "base/absl_format.h"
#include "base/status_macros.h"
#include "base/signals.h"
#include "extender/http_server.h"
#include "extender/kube_cluster_api.h"
#include "kube/client.h"
#include "kube/client_config.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

struct Flags {
  std::string listen = "127.0.0.1:8888";
  std::string kubeconfig;
  std::string policy = "fgd";
  std::string filter_mode = "single";
  int reservation_ttl_seconds = 30;
  std::string metrics_path = "/metrics";
  std::string health_listen;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;
};

absl::Status Run(const Flags& flags, const Environment& env) {
  extender::ExtenderOptions options;
  if (flags.filter_mode != "single" && flags.filter_mode != "all") {
    return absl::InvalidArgumentError(
        "--filter-mode must be single or all, not " + flags.filter_mode);
  }
  if (flags.reservation_ttl_seconds <= 0) {
    return absl::InvalidArgumentError("--reservation-ttl must be positive");
  }
  options.filter_mode = flags.filter_mode == "all" ? extender::FilterMode::kAll
                                                   : extender::FilterMode::kSingle;
  options.reservation_ttl = std::chrono::seconds(flags.reservation_ttl_seconds);
  options.policy = flags.policy;
  // Signals are blocked before any thread starts, so they reach the watcher.
  ASSIGN_OR_RETURN(SignalWatcher signals, SignalWatcher::Open({SIGTERM, SIGINT}));
  ASSIGN_OR_RETURN(kube::ClientConfig config,
                   kube::ResolveClientConfig(flags.kubeconfig, env));
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> client,
                   kube::Client::Create(config));
  extender::ClusterModel model;
  extender::ExtenderMetrics metrics;
  extender::KubeClusterApi api(client.get());
  ASSIGN_OR_RETURN(std::unique_ptr<extender::Extender> core,
                   extender::Extender::Create(options, &model, &api, &metrics));
  extender::ClusterSync sync(client.get(), &model, core.get());
  extender::HttpServerOptions http;
  http.listen = flags.listen;
  http.metrics_path = flags.metrics_path;
  http.health_listen = flags.health_listen;
  http.tls = {flags.tls_cert_file, flags.tls_key_file, flags.client_ca_file};
  if (http.tls.cert_file.empty() != http.tls.key_file.empty() ||
      (http.tls.cert_file.empty() && !http.tls.client_ca_file.empty())) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-private-key-file go together, and "
        "--client-ca-file needs them");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<extender::ExtenderHttpServer> server,
                   extender::ExtenderHttpServer::Start(
                       http, core.get(), &metrics, [&sync] { return sync.synced(); }));
  spdlog::info("scheduler extender listening on {} ({}; policy {}, filter mode {}){}",
               flags.listen,
               flags.tls_cert_file.empty()    ? "plain HTTP"
               : flags.client_ca_file.empty() ? "TLS"
                                              : "TLS, client certificates required",
               flags.policy, flags.filter_mode,
               flags.health_listen.empty() ? "" : ", health on " + flags.health_listen);
  sync.Start();
  // The loop doubles as the reservation sweeper: once a second.
  while (true) {
    ASSIGN_OR_RETURN(std::optional<int> signal,
                     signals.Wait(std::chrono::seconds(1)));
    if (signal) {
      spdlog::info("signal {}: stopping the scheduler extender", *signal);
      break;
    }
    core->ReleaseExpired();
  }
  server->Stop();
  sync.Stop();
  return absl::OkStatus();
}

}  // namespace

void AddSchedulerExtenderCommand(CLI::App& app, const CommandContext& context,
                                 CommandRunner& runner) {
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "scheduler-extender",
      "kube-scheduler extender placing whole and shared GPUs with FGD");
  command->add_option("--listen", flags->listen,
                      "host:port to serve on (\":port\" = all interfaces)")
      ->capture_default_str();
  command->add_option("--kubeconfig", flags->kubeconfig,
                      "kubeconfig file (default: $KUBECONFIG, in-cluster, "
                      "~/.kube/config)");
  command->add_option("--policy", flags->policy,
                      "fgd, binpack, spread or any `gpulet simulate` policy "
                      "without an oracle")
      ->capture_default_str();
  command->add_option("--filter-mode", flags->filter_mode,
                      "single: answer the chosen node only; all: every "
                      "feasible node, ranked by /prioritize")
      ->capture_default_str();
  command->add_option("--reservation-ttl", flags->reservation_ttl_seconds,
                      "seconds a /filter reservation waits for its /bind")
      ->capture_default_str();
  command->add_option("--metrics", flags->metrics_path,
                      "path of the Prometheus metrics on the same server")
      ->capture_default_str();
  command->add_option("--health-listen", flags->health_listen,
                      "host:port of a second server with /healthz, /readyz and "
                      "the metrics only, for probes and scraping (default: none)");
  command->add_option("--tls-cert-file", flags->tls_cert_file,
                      "serve the verbs over TLS with this PEM certificate chain");
  command->add_option("--tls-private-key-file", flags->tls_key_file,
                      "PEM key of --tls-cert-file");
  command->add_option("--client-ca-file", flags->client_ca_file,
                      "with TLS, serve only clients whose certificate this PEM "
                      "CA bundle signed (kube-scheduler's extender tlsConfig)");
  command->callback([flags, context, &runner] {
    runner = [flags, context] {
      absl::Status status = Run(*flags, *context.environment);
      if (!status.ok()) {
        std::cerr << "gpulet scheduler-extender: " << status.message() << "\n";
        return 1;
      }
      return 0;
    };
  });
}

}  // namespace gpulet::cli
