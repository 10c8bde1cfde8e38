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
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

using labels::LabelMap;

// The flags as given; CLI11 stores into these, Parsed() keeps those set.
struct GfdFlagValues {
  std::string mig_strategy, sleep_interval, output_file, machine_type_file,
      config_file, discovery;
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
  o["out"] = cmd.add_option("--output-file,--output,-o", v.output_file,
                            "features.d file; empty prints to stdout (env GFD_OUTPUT_FILE)");
  o["machine"] = cmd.add_option("--machine-type-file", v.machine_type_file,
                                "host file with the machine type (env GFD_MACHINE_TYPE_FILE)");
  o["config"] = cmd.add_option("--config-file", v.config_file,
                               "config file v1, YAML or JSON (env GFD_CONFIG_FILE, CONFIG_FILE)");
  o["nfdapi"] = cmd.add_flag("--use-node-feature-api{true}", v.use_node_feature_api,
                             "accepted for compatibility; gpulet writes the features.d file");
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
  if (config->gfd.use_node_feature_api) {
    spdlog::warn("useNodeFeatureAPI is set, but gpulet writes the features.d file "
                 "(read by every NFD version) instead of a NodeFeature object");
  }
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

// Labels and writes; true when the pass succeeded.
bool Pass(const Session& s, labels::LabelFileWriter* writer) {
  absl::StatusOr<LabelMap> labels = LabelOnce(s);
  if (!labels.ok()) {
    spdlog::error("labelling failed: {}", labels.status());
    return false;
  }
  if (writer == nullptr) {
    std::cout << labels::RenderLabelFile(*labels, std::nullopt) << std::flush;
    return true;
  }
  absl::StatusOr<bool> written = writer->Update(*labels, std::chrono::system_clock::now());
  if (!written.ok()) {
    spdlog::error("{}", written.status());
    return false;
  }
  if (*written) spdlog::info("wrote {} labels to {}", labels->size(), writer->path());
  return true;
}

Outcome RunSession(const ConfigFlags& flags, const Environment& env,
                   SignalWatcher& signals) {
  absl::StatusOr<Session> session = StartSession(flags, env);
  if (!session.ok()) {
    spdlog::error("{}", session.status());
    return session.status().code() == absl::StatusCode::kInvalidArgument
               ? Outcome::kBadConfig : Outcome::kFail;
  }
  const GfdConfig& gfd = session->config->gfd;
  std::optional<labels::LabelFileWriter> writer;
  if (!gfd.output_file.empty()) writer.emplace(gfd.output_file, gfd.sleep_interval);
  labels::LabelFileWriter* out = writer ? &*writer : nullptr;
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
  if (writer && gfd.sleep_interval != kSleepForever) {
    if (absl::Status removed = writer->Remove(); !removed.ok()) {
      spdlog::error("{}", removed);
    }
  }
  return Outcome::kExit;
}

int RunFeatureDiscovery(const Environment& env, const ConfigFlags& flags) {
  absl::StatusOr<SignalWatcher> signals =
      SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    std::cerr << "gpulet feature-discovery: " << signals.status().message() << "\n";
    return 1;
  }
  while (true) {
    switch (RunSession(flags, env, *signals)) {
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
      return RunFeatureDiscovery(*environment,
                                 ToConfigFlags(*values, node_flags->Parsed()));
    };
  });
}

}  // namespace gpulet::cli
