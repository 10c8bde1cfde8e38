#include "checkpoint/checkpoint_capability.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "checkpoint/checkpoint_support.h"
#include "checkpoint/host_view_reader.h"
#include "checkpoint/process_checkpointer.h"
#include "checkpoint/tool_runner.h"

namespace gpulet::checkpoint {
namespace {

constexpr int kMinCriuMajor = 4;
constexpr std::string_view kCriuCandidates[] = {"/usr/local/sbin/criu", "/usr/local/bin/criu",
                                                "/usr/sbin/criu", "/usr/bin/criu",
                                                "/sbin/criu", "/bin/criu"};

absl::Status CheckCriu(const HostViewReader& reader) {
  for (std::string_view candidate : kCriuCandidates) {
    std::optional<std::string> exec = reader.ExecutablePath(candidate);
    if (!exec.has_value()) continue;
    ToolRun run;
    RETURN_IF_ERROR(ToAbslStatus(RunTool({*exec, "--version"}, std::chrono::seconds(10), &run)));
    if (run.exit_code != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(AsAbsl(candidate), " --version failed (exit ", run.exit_code, "): ",
                       AsAbsl(std::string_view(run.output).substr(0, 200))));
    }
    ASSIGN_OR_RETURN(auto version, ParseCriuVersion(run.output));
    if (version.first < kMinCriuMajor) {
      return absl::FailedPreconditionError(
          absl::StrCat(AsAbsl(candidate), " is CRIU ", version.first, ".", version.second,
                       "; the CUDA plugin needs 4.0 or later"));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError("no criu in the host's /usr/local/sbin, /usr/local/bin, "
                             "/usr/sbin, /usr/bin, /sbin or /bin");
}

}  // namespace

absl::StatusOr<std::pair<int, int>> ParseCriuVersion(std::string_view output) {
  absl::string_view first = AsAbsl(output.substr(0, output.find('\n')));
  absl::string_view version = first;
  const bool prefixed = absl::ConsumePrefix(&version, "Version: ");
  std::vector<absl::string_view> parts = absl::StrSplit(version, '.');
  int major = 0, minor = 0;
  if (!prefixed || parts.size() < 2 || !absl::SimpleAtoi(parts[0], &major) ||
      !absl::SimpleAtoi(parts[1], &minor)) {
    return absl::InvalidArgumentError(
        absl::StrCat("criu --version printed \"", first, "\"; expected \"Version: X.Y\""));
  }
  return std::make_pair(major, minor);
}

absl::Status ProbeCheckpointCapability(const CapabilityOptions& options) {
  HostViewReader reader(options.host);
  RETURN_IF_ERROR(CheckCriu(reader));
  const std::string plugin = absl::StrCat(options.plugin_dir, "/", kCriuPluginFileName);
  absl::StatusOr<hostfs::FileInfo> info = options.host.Stat(plugin);
  if (!info.ok() || info->type != hostfs::FileInfo::Type::kRegular) {
    return absl::NotFoundError(absl::StrCat("no CRIU CUDA plugin at ", plugin));
  }
  std::string tool;
  return ToAbslStatus(CheckCheckpointSupport(reader, options.tool_path, options.path_env,
                                             CudaToolTimeouts{}, &tool));
}

}  // namespace gpulet::checkpoint
