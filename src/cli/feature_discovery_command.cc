#include "cli/feature_discovery_command.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/absl_format.h"
#include "base/signals.h"
#include "cli/checkpoint_label_flags.h"
#include "cli/gfd_flags.h"
#include "cli/node_flags.h"
#include "config/config.h"
#include "inventory/node_source.h"
#include "node/checkpoint_part.h"
#include "node/label_output.h"
#include "node/label_pass.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

// What one config load produces; rebuilt on SIGHUP.
struct Session {
  std::shared_ptr<const Config> config;
  std::unique_ptr<inventory::NodeSource> source;  // null: NVML unusable
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
    s.source = std::make_unique<inventory::NodeSource>(*std::move(source));
  } else if (s.config->fail_on_init_error) {
    return absl::FailedPreconditionError(source.status().message());
  } else {
    spdlog::warn("{}; labelling without GPUs (fail-on-init-error=false)",
                 source.status().message());
  }
  return s;
}

Outcome Failure(const absl::Status& status) {
  spdlog::error("{}", status);
  return status.code() == absl::StatusCode::kInvalidArgument ? Outcome::kBadConfig
                                                             : Outcome::kFail;
}

Outcome RunSession(const ConfigFlags& flags, const node::NodeFeatureSettings& nf,
                   const node::NodeCheckpointOptions& checkpoint, const Environment& env,
                   SignalWatcher& signals) {
  absl::StatusOr<Session> session = StartSession(flags, env);
  if (!session.ok()) return Failure(session.status());
  const GfdConfig& gfd = session->config->gfd;
  absl::StatusOr<node::LabelOutput> output = node::OpenLabelOutput(gfd, nf, env);
  if (!output.ok()) return Failure(output.status());
  labels::LabelSink* out = output->sink.get();
  // The same checkpoint label as `gpulet node`, so that a node labelled by
  // feature discovery alone says whether it can checkpoint GPU containers.
  node::CheckpointLabel checkpoint_label(checkpoint);
  auto pass = [&] {
    return node::LabelPass(session->source.get(), session->config, session->timestamp, out,
                           checkpoint_label.Labels());
  };
  if (!pass()) return Outcome::kFail;
  if (gfd.oneshot) return Outcome::kExit;
  while (true) {
    absl::StatusOr<std::optional<int>> signal = signals.Wait(gfd.sleep_interval);
    if (!signal.ok()) {
      spdlog::error("{}", signal.status());
      return Outcome::kFail;
    }
    if (*signal == SIGHUP) return Outcome::kReload;
    if (signal->has_value()) break;
    pass();  // a later failure is logged and retried next pass
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
                        const node::NodeFeatureSettings& nf,
                        const node::NodeCheckpointOptions& checkpoint) {
  absl::StatusOr<SignalWatcher> signals =
      SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    std::cerr << "gpulet feature-discovery: " << signals.status().message() << "\n";
    return 1;
  }
  while (true) {
    switch (RunSession(flags, nf, checkpoint, env, *signals)) {
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
  auto gfd_flags = std::make_shared<GfdFlagSet>(*cmd, GfdFlagSet::Scope::kAll);
  auto checkpoint_flags = std::make_shared<CheckpointLabelFlagSet>(*cmd);
  const Environment* environment = context.environment;
  cmd->callback([&runner, node_flags, gfd_flags, checkpoint_flags, environment] {
    runner = [node_flags, gfd_flags, checkpoint_flags, environment] {
      ConfigFlags flags;
      flags.node = node_flags->Parsed();
      gfd_flags->AddTo(flags);
      node::NodeCheckpointOptions checkpoint;
      checkpoint_flags->ResolveInto(*environment, checkpoint);
      return RunFeatureDiscovery(*environment, flags, gfd_flags->Settings(*environment),
                                 checkpoint);
    };
  });
}

}  // namespace gpulet::cli
