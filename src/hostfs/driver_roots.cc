#include "hostfs/driver_roots.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/absl_string_view.h"
#include "hostfs/driver_root_paths.h"
#include "hostfs/path.h"

namespace gpulet::hostfs {
namespace {

absl::StatusOr<std::string> NormalizeRoot(std::string_view field,
                                          std::string_view value) {
  absl::StatusOr<std::string> normalized = NormalizeAbsolutePath(value);
  if (!normalized.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(field), " \"", AsAbsl(value), "\" must be an absolute path"));
  }
  return normalized;
}

}  // namespace

DriverRoots::DriverRoots(std::string driver_root, std::string dev_root,
                         std::string container_driver_root)
    : driver_root_(std::move(driver_root)),
      dev_root_(std::move(dev_root)),
      container_driver_root_(std::move(container_driver_root)) {}

DriverRoots DriverRoots::Standard() { return DriverRoots("/", "/", "/"); }

DriverRoots DriverRoots::GpuOperator() {
  return DriverRoots(std::string(kGpuOperatorDriverRoot),
                     std::string(kGpuOperatorDriverRoot), "/");
}

DriverRoots DriverRoots::GkeCos() {
  return DriverRoots(std::string(kGkeCosDriverRoot), "/",
                     std::string(kGkeCosContainerDriverRoot));
}

absl::StatusOr<DriverRoots> DriverRoots::Create(
    std::string_view driver_root, std::string_view dev_root,
    std::string_view container_driver_root) {
  absl::StatusOr<std::string> driver = NormalizeRoot("driver root", driver_root);
  if (!driver.ok()) return driver.status();
  absl::StatusOr<std::string> dev =
      dev_root.empty() ? driver : NormalizeRoot("dev root", dev_root);
  if (!dev.ok()) return dev.status();
  absl::StatusOr<std::string> container =
      NormalizeRoot("container driver root", container_driver_root);
  if (!container.ok()) return container.status();
  return DriverRoots(*std::move(driver), *std::move(dev),
                     *std::move(container));
}

std::string DriverRoots::DriverPath(std::string_view relative) const {
  return JoinPath(driver_root_, relative);
}

std::string DriverRoots::DevicePath(std::string_view name) const {
  return JoinPath(JoinPath(dev_root_, "dev"), name);
}

absl::StatusOr<std::string> DriverRoots::ToContainerPath(
    std::string_view host_path) const {
  ASSIGN_OR_RETURN(std::string normalized, NormalizeAbsolutePath(host_path));
  std::optional<std::string> rest = StripRoot(normalized, driver_root_);
  if (!rest.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("host path \"", AsAbsl(host_path), "\" is not under the driver root \"",
                     driver_root_, "\""));
  }
  return JoinPath(container_driver_root_, *rest);
}

}  // namespace gpulet::hostfs
