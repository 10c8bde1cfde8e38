#include "config/node_options.h"

#include <initializer_list>
#include <string_view>

namespace gpulet {
namespace {

// The flag's value, else the first variable set, else the config file's
// value, else the default; `source` says which, for error messages.
std::string Pick(const std::optional<std::string>& flag, std::string_view flag_name,
                 const Environment& env, std::initializer_list<std::string_view> vars,
                 const std::optional<std::string>& file, std::string_view file_field,
                 std::string fallback, std::string& source) {
  if (flag.has_value()) {
    source = std::string(flag_name);
    return *flag;
  }
  for (std::string_view var : vars) {
    if (std::optional<std::string> value = env.Get(var); value.has_value()) {
      source = std::string(var);
      return *value;
    }
  }
  if (file.has_value()) {
    source = "config file field " + std::string(file_field);
    return *file;
  }
  source = std::string(flag_name);
  return fallback;
}

absl::Status RequireAbsolute(const std::string& path, const std::string& source,
                             bool allow_empty) {
  if ((path.empty() && allow_empty) || (!path.empty() && path.front() == '/')) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(source + ": \"" + path +
                                    "\" is not an absolute path");
}

}  // namespace

absl::StatusOr<NodeOptions> ResolveNodeOptions(const NodeFlags& flags,
                                               const Environment& env,
                                               const NodeFlags& file) {
  NodeOptions options;
  std::string source;
  options.nvml_library = Pick(flags.nvml_library, "--nvml-library", env,
                              {"GPULET_NVML_LIBRARY"}, file.nvml_library, "", "",
                              source);
  options.driver_root = Pick(flags.driver_root, "--driver-root", env,
                             {"NVIDIA_DRIVER_ROOT"}, file.driver_root,
                             "flags.nvidiaDriverRoot", "/", source);
  if (absl::Status s = RequireAbsolute(options.driver_root, source, false); !s.ok()) {
    return s;
  }
  options.dev_root =
      Pick(flags.dev_root, "--dev-root", env, {"NVIDIA_DEV_ROOT"}, file.dev_root,
           "flags.nvidiaDevRoot", "", source);
  if (absl::Status s = RequireAbsolute(options.dev_root, source, true); !s.ok()) {
    return s;
  }
  options.driver_root_ctr_path =
      Pick(flags.driver_root_ctr_path, "--driver-root-ctr-path", env,
           {"DRIVER_ROOT_CTR_PATH", "CONTAINER_DRIVER_ROOT"},
           file.driver_root_ctr_path, "flags.plugin.containerDriverRoot",
           "/driver-root", source);
  if (absl::Status s = RequireAbsolute(options.driver_root_ctr_path, source, false);
      !s.ok()) {
    return s;
  }
  return options;
}

}  // namespace gpulet
