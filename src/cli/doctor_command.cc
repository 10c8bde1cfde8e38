#include "cli/doctor_command.h"

#include <iostream>
#include <memory>

#include "cli/cdi_command.h"
#include "cli/device_plugin_flags.h"
#include "config/config.h"
#include "doctor/doctor.h"

namespace gpulet::cli {
namespace {

struct DoctorFlags {
  explicit DoctorFlags(CLI::App& app) : plugin(app) {}

  DevicePluginFlagSet plugin;
  bool json = false;
  int allocate = 0;
  std::string resource, host_root = "/", features_file;
  std::string containerd_config = "/etc/containerd/config.toml";
  std::string crio_config = "/etc/crio/crio.conf";
  CLI::Option* features_option = nullptr;
  CLI::Option* allocate_option = nullptr;
};

void DeclareFlags(CLI::App& cmd, DoctorFlags& f) {
  cmd.add_flag("--json", f.json, "print the report as JSON");
  f.allocate_option = cmd.add_option("--allocate", f.allocate,
                                     "also show what the kubelet would receive for one "
                                     "container asking for N devices (of --resource)");
  cmd.add_option("--resource", f.resource,
                 "resource for --allocate (default: the first one advertised)");
  cmd.add_option("--host-root", f.host_root,
                 "where the host's / is mounted when gpulet runs in a container, e.g. /host; "
                 "host paths (kubelet socket, runtime configs, features.d, CDI dirs) are read "
                 "under it")
      ->capture_default_str();
  f.features_option = cmd.add_option(
      "--features-file", f.features_file,
      "feature discovery's label file (env GFD_OUTPUT_FILE; default "
      "/etc/kubernetes/node-feature-discovery/features.d/gfd)");
  cmd.add_option("--containerd-config", f.containerd_config, "containerd's config file")
      ->capture_default_str();
  cmd.add_option("--crio-config", f.crio_config,
                 "CRI-O's config file; drop-ins are read from <file>.d/*.conf")
      ->capture_default_str();
}

// The exit code for bad flags, or nullopt with `options` filled.
std::optional<int> Resolve(const DoctorFlags& f, const Environment& env,
                           doctor::DoctorOptions& options) {
  absl::StatusOr<DevicePluginOptions> only = f.plugin.ResolveOnly(env);
  absl::StatusOr<hostfs::HostView> view = f.host_root == "/"
                                              ? absl::StatusOr<hostfs::HostView>(hostfs::HostView())
                                              : hostfs::HostView::AtPrefix(f.host_root);
  absl::Status bad = !only.ok() ? only.status() : view.status();
  if (bad.ok() && f.allocate_option->count() > 0 && f.allocate < 1) {
    bad = absl::InvalidArgumentError("--allocate " + std::to_string(f.allocate) +
                                     ": ask for at least 1 device");
  }
  if (!bad.ok()) {
    std::cerr << "gpulet doctor: " << bad.message() << "\n";
    return 2;
  }
  options.flags = f.plugin.Parsed();
  if (f.features_option->count() > 0) options.flags.output_file = f.features_file;
  options.env = &env;
  options.host = *std::move(view);
  options.kubelet_socket = only->kubelet_socket;
  options.cdi_spec_dir = only->cdi_spec_dir;
  options.containerd_config = f.containerd_config;
  options.crio_config = f.crio_config;
  if (f.allocate > 0) options.allocate = doctor::AllocationRequest{f.allocate, f.resource};
  options.extras = GeneratorExtras(env);
  return std::nullopt;
}

int RunDoctor(const DoctorFlags& flags, const Environment& env) {
  doctor::DoctorOptions options;
  if (std::optional<int> code = Resolve(flags, env, options)) return *code;
  doctor::DoctorReport report = doctor::Diagnose(options);
  if (flags.json) {
    std::cout << doctor::ReportToJson(report).dump(2) << "\n";
  } else {
    std::cout << doctor::RenderReportText(report);
  }
  return report.ExitCode();
}

}  // namespace

void AddDoctorCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner) {
  CLI::App* cmd = app.add_subcommand(
      "doctor", "check that this node can serve GPUs, and say how to fix what is wrong");
  auto flags = std::make_shared<DoctorFlags>(*cmd);
  DeclareFlags(*cmd, *flags);
  const Environment* environment = context.environment;
  cmd->callback([&runner, flags, environment] {
    runner = [flags, environment] { return RunDoctor(*flags, *environment); };
  });
}

}  // namespace gpulet::cli
