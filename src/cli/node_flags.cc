#include "cli/node_flags.h"

namespace gpulet::cli {
namespace {

std::optional<std::string> IfGiven(const CLI::Option* option,
                                   const std::string& value) {
  if (option->count() == 0) return std::nullopt;
  return value;
}

}  // namespace

NodeFlagSet::NodeFlagSet(CLI::App& app) {
  nvml_library_option_ = app.add_option(
      "--nvml-library", nvml_library_,
      "path of libnvidia-ml.so.1 to load, e.g. the mock NVML library "
      "(env GPULET_NVML_LIBRARY)");
  driver_root_option_ = app.add_option(
      "--driver-root,--nvidia-driver-root", driver_root_,
      "host directory holding the NVIDIA driver (env NVIDIA_DRIVER_ROOT; default /)");
  dev_root_option_ = app.add_option(
      "--dev-root,--nvidia-dev-root", dev_root_,
      "host directory whose dev/ holds the NVIDIA device nodes "
      "(env NVIDIA_DEV_ROOT; default: the driver root)");
  driver_root_ctr_path_option_ = app.add_option(
      "--driver-root-ctr-path,--container-driver-root", driver_root_ctr_path_,
      "where the driver root is mounted in this container "
      "(env DRIVER_ROOT_CTR_PATH, CONTAINER_DRIVER_ROOT; default /driver-root)");
}

NodeFlags NodeFlagSet::Parsed() const {
  NodeFlags flags;
  flags.nvml_library = IfGiven(nvml_library_option_, nvml_library_);
  flags.driver_root = IfGiven(driver_root_option_, driver_root_);
  flags.dev_root = IfGiven(dev_root_option_, dev_root_);
  flags.driver_root_ctr_path =
      IfGiven(driver_root_ctr_path_option_, driver_root_ctr_path_);
  return flags;
}

}  // namespace gpulet::cli
