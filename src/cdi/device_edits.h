// DeviceEdits: the container edits of one GPU or MIG device (its device
// nodes, the DRM by-path symlinks and, when enabled, the chmod hook that
// opens /dev/dri and /dev/nvidia-caps for rootless podman with crun,
// crun#1047), the control nodes every device shares, and the node set of a
// management spec.
//
// Nodes are looked up through the HostFs's DeviceNodeFinder, so a GPU
// Operator node whose host /dev lacks them still gets
// "<driver root>/dev/..." host paths; a node that cannot be found is an
// error, never a guessed path.
//
// Thread-safe (reads only); the HostFs must outlive the builder.
#ifndef GPULET_CDI_DEVICE_EDITS_H_
#define GPULET_CDI_DEVICE_EDITS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cdi/hooks.h"
#include "cdi/spec.h"
#include "hostfs/host_fs.h"
#include "hostfs/mig_minors.h"
#include "inventory/inventory.h"

namespace gpulet::cdi {

class DeviceEdits {
 public:
  // `minors` is the parsed mig-minors file, nullopt when the host has none
  // (then MIG devices fail). `additional_gids`: add the group of nodes that
  // only their group may open (DRM cards, 0660 root:video) to the
  // container's groups, as nvidia-ctk does since 1.19.1 (needs cdiVersion
  // 0.7.0; off with no-additional-gids-for-device-nodes).
  DeviceEdits(const hostfs::HostFs& host, const HookFactory& hooks,
              std::optional<hostfs::MigMinors> minors, bool additional_gids);

  // /dev/nvidia<minor>, the GPU's DRM nodes and their by-path symlinks.
  // NotFound naming the node when /dev/nvidia<minor> does not exist.
  absl::StatusOr<ContainerEdits> ForGpu(const inventory::Gpu& gpu) const;

  // The parent's /dev/nvidia<minor> and the GI and CI capability nodes
  // from mig-minors (plus DRM nodes for "+gfx" profiles). NotFound naming
  // the capability or node that is missing.
  absl::StatusOr<ContainerEdits> ForMig(const inventory::Gpu& parent,
                                        const inventory::MigDevice& mig) const;

  // The control nodes (nvidiactl, nvidia-uvm, ...) that exist.
  ContainerEdits ControlNodes() const;

  // Management mode: every /dev/nvidia*, nvidia-caps/nvidia-cap* and
  // nvidia-caps-imex-channels/channel* node, except nvidia-fs*,
  // nvidia-nvswitch* and nvidia-nvlink*. NotFound when there is none.
  absl::StatusOr<ContainerEdits> AllNodes() const;

 private:
  void AddNode(const hostfs::DeviceNode& node, ContainerEdits& edits) const;
  void AddDrmNodes(const inventory::Gpu& gpu, ContainerEdits& edits) const;
  void AddChmodHook(ContainerEdits& edits) const;

  const hostfs::HostFs& host_;
  const HookFactory& hooks_;
  std::optional<hostfs::MigMinors> minors_;
  bool additional_gids_;
};

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_DEVICE_EDITS_H_
