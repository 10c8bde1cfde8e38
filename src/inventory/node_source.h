// NodeSource: the node's NVML library and host filesystem, opened once per
// process, from which Inventory snapshots are built.
//
// This is where NodeOptions become a HostView, DriverRoots and a loaded
// libnvidia-ml.so.1: when the driver root is not "/" and is mounted at
// driver_root_ctr_path inside gpulet's container, host paths under it are
// read there, and NVML is loaded from under it unless --nvml-library says
// otherwise.
//
// Thread-safe: immutable after Open(); Snapshot() may run on any thread.
#ifndef GPULET_INVENTORY_NODE_SOURCE_H_
#define GPULET_INVENTORY_NODE_SOURCE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "config/node_options.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"
#include "nvml/nvml_library.h"

namespace gpulet::inventory {

class NodeSource {
 public:
  // Errors: kInvalidArgument for unusable roots; kFailedPrecondition when
  // NVML cannot be loaded or initialised, with a message that says whether
  // the NVIDIA kernel driver is loaded at all and how to point gpulet at a
  // library (--nvml-library).
  //
  // `base` is how gpulet sees the host before the driver root is bound at
  // driver_root_ctr_path: itself (the default), or a prefix where the
  // host's "/" is mounted (`gpulet doctor --host-root /host`, test trees).
  static absl::StatusOr<NodeSource> Open(const NodeOptions& options,
                                         const hostfs::HostView& base = hostfs::HostView());

  // The host files of Open() without NVML: for reports on a node whose
  // NVML cannot be loaded. kInvalidArgument for unusable roots.
  static absl::StatusOr<hostfs::HostFs> OpenHost(const NodeOptions& options,
                                                 const hostfs::HostView& base = hostfs::HostView());

  // A fresh snapshot of the node (BuildInventory).
  absl::StatusOr<std::shared_ptr<const Inventory>> Snapshot() const;

  const std::shared_ptr<const nvml::NvmlLibrary>& nvml() const { return nvml_; }
  const hostfs::HostFs& host() const { return host_; }

 private:
  NodeSource(std::shared_ptr<const nvml::NvmlLibrary> nvml, hostfs::HostFs host)
      : nvml_(std::move(nvml)), host_(std::move(host)) {}

  std::shared_ptr<const nvml::NvmlLibrary> nvml_;
  hostfs::HostFs host_;
};

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_NODE_SOURCE_H_
