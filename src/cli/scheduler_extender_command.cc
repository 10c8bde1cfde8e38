#include "cli/scheduler_extender_command.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <iostream>
#include <memory>
#include <string>

#include "base/absl_format.h"
#include "base/status_macros.h"
#include "base/signals.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "extender/group_status_writer.h"
#include "extender/http_server.h"
#include "gang/group_registry.h"
#include "gang/queue_spec.h"
#include "extender/kube_cluster_api.h"
#include "kube/client.h"
#include "kube/client_config.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

absl::StatusOr<std::string> ReadQueuesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --queues ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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
  int gang_timeout_seconds = 30;
  int gang_timeout_max_seconds = 40;
  std::string queues_file;
  int barrier_capacity = 96;
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
  if (flags.gang_timeout_seconds <= 0 || flags.gang_timeout_max_seconds <= 0 ||
      flags.barrier_capacity <= 0) {
    return absl::InvalidArgumentError(
        "--gang-timeout, --gang-timeout-max and --barrier-capacity must be positive");
  }
  options.gang_timeout = std::chrono::seconds(flags.gang_timeout_seconds);
  options.gang_timeout_max = std::chrono::seconds(flags.gang_timeout_max_seconds);
  options.barrier_capacity = flags.barrier_capacity;
  gang::GroupRegistry registry;
  if (!flags.queues_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadQueuesFile(flags.queues_file));
    absl::StatusOr<std::vector<gang::QueueSpec>> queues = gang::ParseQueueFile(text);
    if (!queues.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--queues ", flags.queues_file, ": ", queues.status().message()));
    }
    registry.SetConfiguredQueues(*std::move(queues));
  }
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
                   extender::Extender::Create(options, &model, &api, &metrics,
                                              &registry));
  extender::ClusterSync sync(client.get(), &model, core.get(), &registry);
  extender::GroupStatusWriter status_writer(core.get(), &api);
  extender::HttpServerOptions http;
  http.listen = flags.listen;
  http.metrics_path = flags.metrics_path;
  http.health_listen = flags.health_listen;
  // Gang members wait at the bind barrier on server threads: room for
  // every one of them plus the verbs that must go on meanwhile.
  http.threads = 16 + flags.barrier_capacity;
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
    status_writer.Write(absl::ToUnixSeconds(absl::Now()));
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
  command->add_option("--gang-timeout", flags->gang_timeout_seconds,
                      "seconds a gang's planned members may take to all reach "
                      "bind, unless its PodGroup's scheduleTimeoutSeconds says")
      ->capture_default_str();
  command->add_option("--gang-timeout-max", flags->gang_timeout_max_seconds,
                      "upper bound of any gang's timeout; keep it below "
                      "kube-scheduler's extender httpTimeout")
      ->capture_default_str();
  command->add_option("--barrier-capacity", flags->barrier_capacity,
                      "gang members that may wait at the bind barrier at once "
                      "(each holds a server thread)")
      ->capture_default_str();
  command->add_option("--queues", flags->queues_file,
                      "YAML file of queues (name, weight, capability, "
                      "guarantee, state) for gpulet.io/queue, on clusters "
                      "without Volcano's Queue CRD");
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
