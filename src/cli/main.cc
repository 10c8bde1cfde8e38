// gpulet: one binary for the node-side GPU agent (device plugin, feature
// discovery, CDI) and the cluster-side scheduler tools.
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "base/logging.h"
#include "cli/cdi_command.h"
#include "cli/checkpoint_command.h"
#include "cli/command.h"
#include "cli/device_plugin_command.h"
#include "cli/doctor_command.h"
#include "cli/feature_discovery_command.h"
#include "cli/info_command.h"
#include "cli/node_command.h"
#if GPULET_WITH_CLUSTER
#include "cli/scheduler_extender_command.h"
#include "cli/simulate_command.h"
#endif
#include "config/environment.h"
#include "plugin/grpc_log.h"

int main(int argc, char** argv) {
  // Debian builds abseil without NDEBUG, which turns on absl::Mutex's
  // deadlock detection: every lock order taken (gRPC's mutexes are
  // absl::Mutex) goes into a global graph, at a cost on each lock, whose
  // storage only grows, 64 KiB at a time — the node soak saw the agent's
  // memory creep by it. Lock ordering is checked by ThreadSanitizer in CI.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using namespace gpulet::cli;
  const gpulet::Environment environment = gpulet::Environment::FromProcess();
  const CommandContext context{&environment};

  CLI::App app{"gpulet: GPU device plugin, feature discovery, CDI and "
               "scheduling for Kubernetes"};
  app.set_version_flag("--version", "gpulet " GPULET_VERSION);
  app.require_subcommand(1);
  std::string log_level = environment.Get("GPULET_LOG_LEVEL").value_or("info");
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off (env GPULET_LOG_LEVEL)")
      ->capture_default_str();

  CommandRunner runner;
  AddDevicePluginCommand(app, context, runner);
  AddDoctorCommand(app, context, runner);
  AddCdiCommand(app, context, runner);
  AddCheckpointCommand(app, context, runner);
  AddFeatureDiscoveryCommand(app, context, runner);
  AddInfoCommand(app, context, runner);
  AddNodeCommand(app, context, runner);
#if GPULET_WITH_CLUSTER
  AddSimulateCommand(app, context, runner);
  AddSchedulerExtenderCommand(app, context, runner);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (absl::Status status = gpulet::InitLogging(log_level); !status.ok()) {
    std::cerr << "gpulet: " << status.message() << "\n";
    return 2;
  }
  gpulet::plugin::RouteGrpcLogs();

  if (!runner) {
    std::cerr << app.help();
    return 2;
  }
  return runner();
}
