// NodeResourceSource: the device plugin's resources built from the merged
// config (flags > env > file > default) and a fresh Inventory snapshot of
// the node — the ResourceSource of `gpulet device-plugin`.
//
// NVML is opened once, by the caller (NodeSource), and never re-opened:
// Build() only takes a new inventory snapshot, so a kubelet restart or a
// MIG rescan costs NVML queries, not an init. ReloadConfig() re-reads the
// config file and the environment captured at start; a bad config leaves
// the running one in place.
//
// Called from the Manager's thread only; config() may be read there too.
#ifndef GPULET_PLUGIN_NODE_RESOURCE_SOURCE_H_
#define GPULET_PLUGIN_NODE_RESOURCE_SOURCE_H_

#include <functional>
#include <memory>

#include "allocation/allocate_options.h"
#include "base/repeat_filter.h"
#include "config/config.h"
#include "config/config_file_override.h"
#include "config/environment.h"
#include "inventory/node_source.h"
#include "plugin/cdi_spec_writer.h"
#include "plugin/handoff_backend.h"
#include "plugin/resource_source.h"
#include "resources/resource_options.h"

namespace gpulet::plugin {

// The narrow option structs the resources and allocation modules take,
// copied from the merged config.
resources::ResourceOptions ToResourceOptions(const Config& config);
allocation::AllocateOptions ToAllocateOptions(const Config& config);
// What the plugin's own CDI spec is generated with under `config`.
CdiSpecOptions ToCdiSpecOptions(const Config& config);

class NodeResourceSource final : public ResourceSource {
 public:
  // `node` null: NVML is unavailable and --fail-on-init-error=false, so
  // there is nothing to serve (Build() returns no resources). `env` must
  // outlive the source.
  NodeResourceSource(ConfigFlags flags, const Environment* env, Config config,
                     const inventory::NodeSource* node)
      : flags_(std::move(flags)), env_(env), config_(std::move(config)), node_(node) {}

  // ResourceSource
  absl::Status ReloadConfig() override;
  absl::StatusOr<NodeResources> Build() override;

  // Called with the inventory of every successful Build(), on the same
  // thread (NodeHealth follows MIG layout changes this way).
  using InventoryObserver = std::function<void(std::shared_ptr<const inventory::Inventory>)>;
  void set_inventory_observer(InventoryObserver observer) { observer_ = std::move(observer); }

  // With a cdi-* device list strategy, Build() brings `writer`'s spec up to
  // date with the new inventory before it builds the backends, and fails
  // (nothing served changes) when the spec cannot be generated or written.
  void set_cdi_writer(std::shared_ptr<CdiSpecWriter> writer) { cdi_ = std::move(writer); }

  // With the scheduler hand-off on, the backends of whole-GPU resources
  // (nvidia.com/gpu and its shared variants, not MIG resources) are wrapped
  // in a HandoffBackend over `context`.
  void set_handoff(HandoffContext context) { handoff_ = std::move(context); }

  // ReloadConfig() reads the file chosen in `choice` (gpulet node's per-node
  // config) instead of --config-file, once one is chosen.
  void set_config_file_override(std::shared_ptr<const ConfigFileOverride> choice) {
    override_ = std::move(choice);
  }

  // Called on the Manager's thread after every ReloadConfig() (SIGHUP or a
  // config switch), whatever its outcome, with the config now running, so
  // that the other parts of a node process reload with the plugin.
  void set_reload_observer(std::function<void(const Config&)> observer) {
    reload_observer_ = std::move(observer);
  }

  const Config& config() const { return config_; }
  // The inventory of the last successful Build(); null before it.
  const std::shared_ptr<const inventory::Inventory>& inventory() const { return inventory_; }

 private:
  absl::Status LoadNewConfig();

  const ConfigFlags flags_;
  const Environment* const env_;
  Config config_;
  uint64_t generation_ = 1;
  const inventory::NodeSource* const node_;
  std::shared_ptr<const inventory::Inventory> inventory_;
  InventoryObserver observer_;
  std::shared_ptr<CdiSpecWriter> cdi_;
  std::optional<HandoffContext> handoff_;
  std::shared_ptr<const ConfigFileOverride> override_;
  std::function<void(const Config&)> reload_observer_;
  // Every rescan rebuilds the resource sets; their warnings are logged when
  // they first appear, not on each rescan.
  RepeatFilter resource_warnings_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_NODE_RESOURCE_SOURCE_H_
