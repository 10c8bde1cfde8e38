#include "cli/feature_discovery_command.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/absl_format.h"
#include "base/signals.h"
#include "cli/node_flags.h"
#include "config/config.h"
#include "inventory/node_source.h"
#include "labels/gfd_labeler.h"
#include "labels/label_file.h"
#include "labels/label_file_writer.h"
#include "labels/label_sink.h"
#include "labels/node_feature.h"
#if GPULET_WITH_KUBE
#include "labels/node_feature_kube.h"
#endif
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

using labels::LabelMap;

// The flags as given; CLI11 stores into these, Parsed() keeps those set.
struct GfdFlagValues {
  std::string mig_strategy, sleep_interval, output_file, machine_type_file,
      config_file, discovery, node_name, namespace_, kubeconfig, pod_name;
  bool fail_on_init_error = true, oneshot = false, no_timestamp = false,
       use_node_feature_api = false;
  std::map<std::string, CLI::Option*> options;

  template <typename T>
  std::optional<T> IfGiven(const std::string& name, const T& value) const {
    return options.at(name)->count() > 0 ? std::optional<T>(value) : std::nullopt;
  }
};

void DeclareFlags(CLI::App& cmd, GfdFlagValues& v) {
  auto& o = v.options;
  o["mig"] = cmd.add_option("--mig-strategy", v.mig_strategy,
                            "none, single or mixed (env GFD_MIG_STRATEGY, MIG_STRATEGY)");
  o["fail"] = cmd.add_flag("--fail-on-init-error{true}", v.fail_on_init_error,
                           "exit when NVML cannot be used (env GFD_FAIL_ON_INIT_ERROR)");
  o["oneshot"] = cmd.add_flag("--oneshot", v.oneshot, "label once and exit (env GFD_ONESHOT)");
  o["nots"] = cmd.add_flag("--no-timestamp", v.no_timestamp,
                           "omit nvidia.com/gfd.timestamp (env GFD_NO_TIMESTAMP)");
  o["sleep"] = cmd.add_option("--sleep-interval", v.sleep_interval,
                              "time between passes, e.g. 60s, or infinite "
                              "(env GFD_SLEEP_INTERVAL; default 60s)");
  // expected(0, 1): CLI11 would otherwise take the argument after an empty
  // "--output-file=" as the value ("--output-file= --oneshot" writing to a
  // file named --oneshot); with an optional value it stays empty (stdout).
  o["out"] = cmd.add_option("--output-file,--output,-o", v.output_file,
                            "features.d file; empty prints to stdout (env GFD_OUTPUT_FILE)")
                 ->expected(0, 1);
  o["machine"] = cmd.add_option("--machine-type-file", v.machine_type_file,
                                "host file with the machine type (env GFD_MACHINE_TYPE_FILE)");
  o["config"] = cmd.add_option("--config-file", v.config_file,
                               "config file v1, YAML or JSON (env GFD_CONFIG_FILE, CONFIG_FILE)");
  o["nfdapi"] = cmd.add_flag("--use-node-feature-api{true}", v.use_node_feature_api,
                             "publish a NodeFeature object instead of the features.d file "
                             "(env GFD_USE_NODE_FEATURE_API, USE_NODE_FEATURE_API)");
  o["node"] = cmd.add_option("--node-name", v.node_name,
                             "this node, for the NodeFeature object (env NODE_NAME)");
  o["ns"] = cmd.add_option("--namespace", v.namespace_,
                           "namespace of the NodeFeature object (env NAMESPACE; default default)");
  o["kubeconfig"] = cmd.add_option("--kubeconfig", v.kubeconfig,
                                   "kubeconfig file; in-cluster config when unset (env KUBECONFIG)");
  o["pod"] = cmd.add_option("--pod-name", v.pod_name,
                            "this pod, owner of the NodeFeature object (env POD_NAME)");
  o["discovery"] = cmd.add_option("--device-discovery-strategy", v.discovery,
                                  "auto or nvml (env DEVICE_DISCOVERY_STRATEGY)");
}

ConfigFlags ToConfigFlags(const GfdFlagValues& v, const NodeFlags& node) {
  ConfigFlags f;
  f.node = node;
  f.mig_strategy = v.IfGiven("mig", v.mig_strategy);
  f.fail_on_init_error = v.IfGiven("fail", v.fail_on_init_error);
  f.oneshot = v.IfGiven("oneshot", v.oneshot);
  f.no_timestamp = v.IfGiven("nots", v.no_timestamp);
  f.sleep_interval = v.IfGiven("sleep", v.sleep_interval);
  f.output_file = v.IfGiven("out", v.output_file);
  f.machine_type_file = v.IfGiven("machine", v.machine_type_file);
  f.config_file = v.IfGiven("config", v.config_file);
  f.use_node_feature_api = v.IfGiven("nfdapi", v.use_node_feature_api);
  f.device_discovery_strategy = v.IfGiven("discovery", v.discovery);
  return f;
}

// Where the NodeFeature object goes. src/config has no place for these
// (only this output uses them), so flag > env > default is resolved here.
struct NodeFeatureSettings {
  std::string node_name, namespace_, kubeconfig, pod_name;
};

NodeFeatureSettings ResolveNodeFeatureSettings(const GfdFlagValues& v, const Environment& env) {
  auto pick = [&](const char* option, const std::string& value, const char* variable,
                  const char* fallback) -> std::string {
    if (v.options.at(option)->count() > 0) return value;
    std::optional<std::string> from_env = env.Get(variable);
    return from_env.has_value() && !from_env->empty() ? *from_env : fallback;
  };
  return {pick("node", v.node_name, "NODE_NAME", ""),
          pick("ns", v.namespace_, "NAMESPACE", "default"),
          // $KUBECONFIG is the Kubernetes client's to resolve, as client-go does.
          v.options.at("kubeconfig")->count() > 0 ? v.kubeconfig : "",
          pick("pod", v.pod_name, "POD_NAME", "")};
}

// Where each pass's labels go; no sink means stdout.
struct Output {
  std::unique_ptr<labels::NodeFeatureStore> store;  // NodeFeature mode only
  std::unique_ptr<labels::LabelSink> sink;
};

absl::StatusOr<Output> OpenOutput(const GfdConfig& gfd, const NodeFeatureSettings& nf,
                                  const Environment& env) {
  Output out;
  if (!gfd.use_node_feature_api) {
    if (!gfd.output_file.empty()) {
      out.sink = std::make_unique<labels::LabelFileWriter>(gfd.output_file, gfd.sleep_interval);
    }
    return out;
  }
  if (nf.node_name.empty()) {
    return absl::InvalidArgumentError(
        "the NodeFeature API output needs this node's name: set --node-name or NODE_NAME");
  }
#if GPULET_WITH_KUBE
  absl::StatusOr<labels::KubeNodeFeatureStore> store =
      labels::KubeNodeFeatureStore::Open(nf.kubeconfig, env);
  if (!store.ok()) return store.status();
  labels::NodeFeatureTarget target{nf.node_name, nf.namespace_};
  if (!nf.pod_name.empty()) {
    absl::StatusOr<nlohmann::json> owners = store->OwnerReferences(nf.namespace_, nf.pod_name);
    if (owners.ok()) {
      target.owner_references = *std::move(owners);
    } else {
      spdlog::warn("NodeFeature without owner references: {}", owners.status());
    }
  }
  out.store = std::make_unique<labels::KubeNodeFeatureStore>(*std::move(store));
  out.sink = std::make_unique<labels::NodeFeatureWriter>(*out.store, std::move(target));
  return out;
#else
  (void)env;
  return absl::FailedPreconditionError(
      "this gpulet is built without the Kubernetes client; the NodeFeature API output "
      "is unavailable");
#endif
}

// What one config load produces; rebuilt on SIGHUP.
struct Session {
  std::shared_ptr<const Config> config;
  std::optional<inventory::NodeSource> source;  // none: NVML unusable
  hostfs::HostView host;
  std::optional<labels::WallTime> timestamp;
};

enum class Outcome { kExit, kReload, kFail, kBadConfig };

absl::StatusOr<Session> StartSession(const ConfigFlags& flags, const Environment& env) {
  absl::StatusOr<Config> config = LoadConfig(flags, env, ConfigUser::kFeatureDiscovery);
  if (!config.ok()) return config.status();
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  Session s;
  s.config = std::make_shared<const Config>(*std::move(config));
  if (!s.config->gfd.no_timestamp) s.timestamp = std::chrono::system_clock::now();
  absl::StatusOr<inventory::NodeSource> source = inventory::NodeSource::Open(s.config->node);
  if (source.ok()) {
    s.host = source->host().view();
    s.source.emplace(*std::move(source));
  } else if (s.config->fail_on_init_error) {
    return absl::FailedPreconditionError(source.status().message());
  } else {
    spdlog::warn("{}; labelling without GPUs (fail-on-init-error=false)",
                 source.status().message());
  }
  return s;
}

absl::StatusOr<LabelMap> LabelOnce(const Session& s) {
  auto empty = std::make_shared<const inventory::Inventory>();
  std::shared_ptr<const inventory::Inventory> snapshot = empty;
  if (s.source.has_value()) {
    absl::StatusOr<std::shared_ptr<const inventory::Inventory>> built = s.source->Snapshot();
    if (!built.ok()) return built.status();
    snapshot = *built;
  }
  if (snapshot->gpus.empty()) spdlog::warn("no GPUs found; only the timestamp is labelled");
  return labels::NewGfdLabeler({snapshot, s.config, s.host, s.timestamp})->Labels();
}

// Labels and publishes; true when the pass succeeded.
bool Pass(const Session& s, labels::LabelSink* sink) {
  absl::StatusOr<LabelMap> labels = LabelOnce(s);
  if (!labels.ok()) {
    spdlog::error("labelling failed: {}", labels.status());
    return false;
  }
  if (sink == nullptr) {
    std::cout << labels::RenderLabelFile(*labels, std::nullopt) << std::flush;
    return true;
  }
  absl::StatusOr<bool> written = sink->Update(*labels, std::chrono::system_clock::now());
  if (!written.ok()) {
    spdlog::error("{}", written.status());
    return false;
  }
  if (*written) spdlog::info("wrote {} labels to {}", labels->size(), sink->Describe());
  return true;
}

Outcome Failure(const absl::Status& status) {
  spdlog::error("{}", status);
  return status.code() == absl::StatusCode::kInvalidArgument ? Outcome::kBadConfig
                                                             : Outcome::kFail;
}

Outcome RunSession(const ConfigFlags& flags, const NodeFeatureSettings& nf,
                   const Environment& env, SignalWatcher& signals) {
  absl::StatusOr<Session> session = StartSession(flags, env);
  if (!session.ok()) return Failure(session.status());
  const GfdConfig& gfd = session->config->gfd;
  absl::StatusOr<Output> output = OpenOutput(gfd, nf, env);
  if (!output.ok()) return Failure(output.status());
  labels::LabelSink* out = output->sink.get();
  if (!Pass(*session, out)) return Outcome::kFail;
  if (gfd.oneshot) return Outcome::kExit;
  while (true) {
    absl::StatusOr<std::optional<int>> signal = signals.Wait(gfd.sleep_interval);
    if (!signal.ok()) {
      spdlog::error("{}", signal.status());
      return Outcome::kFail;
    }
    if (*signal == SIGHUP) return Outcome::kReload;
    if (signal->has_value()) break;
    Pass(*session, out);  // a later failure is logged and retried next pass
  }
  // GFD leaves the file of an infinite interval: it was meant to stay.
  if (out != nullptr && gfd.sleep_interval != kSleepForever) {
    if (absl::Status removed = out->Remove(); !removed.ok()) {
      spdlog::error("{}", removed);
    }
  }
  return Outcome::kExit;
}

int RunFeatureDiscovery(const Environment& env, const ConfigFlags& flags,
                        const NodeFeatureSettings& nf) {
  absl::StatusOr<SignalWatcher> signals =
      SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    std::cerr << "gpulet feature-discovery: " << signals.status().message() << "\n";
    return 1;
  }
  while (true) {
    switch (RunSession(flags, nf, env, *signals)) {
      case Outcome::kExit: return 0;
      case Outcome::kFail: return 1;
      case Outcome::kBadConfig: return 2;
      case Outcome::kReload: spdlog::info("SIGHUP: reloading the configuration"); break;
    }
  }
}

}  // namespace

void AddFeatureDiscoveryCommand(CLI::App& app, const CommandContext& context,
                                CommandRunner& runner) {
  CLI::App* cmd = app.add_subcommand(
      "feature-discovery", "label the node's GPUs for NFD (gpu-feature-discovery)");
  auto node_flags = std::make_shared<NodeFlagSet>(*cmd);
  auto values = std::make_shared<GfdFlagValues>();
  DeclareFlags(*cmd, *values);
  const Environment* environment = context.environment;
  cmd->callback([&runner, node_flags, values, environment] {
    runner = [node_flags, values, environment] {
      return RunFeatureDiscovery(*environment, ToConfigFlags(*values, node_flags->Parsed()),
                                 ResolveNodeFeatureSettings(*values, *environment));
    };
  });
}

}  // namespace gpulet::cli
