#include "inventory/node_source.h"

#include <filesystem>

#include "base/status_macros.h"
#include "inventory/inventory_builder.h"

namespace gpulet::inventory {
namespace {

// The host as gpulet sees it: itself, plus the driver root at its mount
// point in gpulet's container when that mount exists.
absl::StatusOr<hostfs::HostView> MakeView(const NodeOptions& options,
                                          const hostfs::HostView& base) {
  hostfs::HostView view = base;
  std::error_code error;
  if (options.driver_root != "/" &&
      std::filesystem::is_directory(options.driver_root_ctr_path, error)) {
    RETURN_IF_ERROR(view.Bind(options.driver_root, options.driver_root_ctr_path));
  }
  return view;
}

absl::Status ExplainMissingNvml(const absl::Status& status,
                                const hostfs::HostFs& host) {
  absl::StatusOr<bool> loaded = host.NvidiaDriverLoaded();
  std::string why = loaded.ok() && !*loaded
                        ? "no NVIDIA GPU driver on this machine "
                          "(/proc/driver/nvidia/gpus is empty or absent): "
                        : "";
  return absl::Status(status.code(), why + std::string(status.message()));
}

}  // namespace

absl::StatusOr<hostfs::HostFs> NodeSource::OpenHost(const NodeOptions& options,
                                                    const hostfs::HostView& base) {
  ASSIGN_OR_RETURN(hostfs::HostView view, MakeView(options, base));
  ASSIGN_OR_RETURN(hostfs::DriverRoots roots,
                   hostfs::DriverRoots::Create(options.driver_root, options.dev_root));
  return hostfs::HostFs::Open(view, roots);
}

absl::StatusOr<NodeSource> NodeSource::Open(const NodeOptions& options,
                                            const hostfs::HostView& base) {
  ASSIGN_OR_RETURN(hostfs::HostFs host, OpenHost(options, base));
  std::string library_path = options.nvml_library;
  if (library_path.empty()) {
    absl::StatusOr<std::string> found = host.FindNvmlLibrary();
    if (!found.ok()) return ExplainMissingNvml(found.status(), host);
    library_path = *std::move(found);
  }
  absl::StatusOr<std::shared_ptr<const nvml::NvmlLibrary>> nvml =
      nvml::NvmlLibrary::Open(library_path);
  if (!nvml.ok()) return ExplainMissingNvml(nvml.status(), host);
  return NodeSource(*std::move(nvml), std::move(host));
}

absl::StatusOr<std::shared_ptr<const Inventory>> NodeSource::Snapshot() const {
  return BuildInventory(nvml_, host_);
}

}  // namespace gpulet::inventory
