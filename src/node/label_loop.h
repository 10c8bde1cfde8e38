// LabelLoop: the feature discovery part of `gpulet node` — a thread that
// labels the node every sleep interval, at once when asked (a new
// inventory or config), and withdraws the labels file on Stop(), as
// gpu-feature-discovery does.
//
// The config is loaded as GFD loads it (GFD_* env vars first), from the
// per-node config choice when there is one; a reload that fails to load
// keeps the running config. Labelling errors are logged and retried at the
// next pass; they never stop the other parts of the node.
//
// Thread-safe: Reload() and LabelNow() may be called from any thread;
// Stop() and the destructor from the owner's. The NodeSource must outlive
// the loop (or its Stop()).
#ifndef GPULET_NODE_LABEL_LOOP_H_
#define GPULET_NODE_LABEL_LOOP_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "config/config_file_override.h"
#include "config/environment.h"
#include "inventory/node_source.h"
#include "node/label_output.h"

namespace gpulet::node {

struct LabelLoopOptions {
  ConfigFlags flags;
  NodeFeatureSettings node_feature;
  std::shared_ptr<const ConfigFileOverride> config_override;  // null: --config-file
  // Labels of the agent's other parts, asked for on the loop's thread at
  // every pass; may be empty.
  std::function<labels::LabelMap()> extra_labels;
};

class LabelLoop {
 public:
  // Loads the config, opens the output and starts the thread, which
  // labels at once. `env` and `node` (null: no NVML) must outlive the
  // loop. Errors: those of LoadConfig (InvalidArgument for a bad config)
  // and OpenLabelOutput.
  static absl::StatusOr<std::unique_ptr<LabelLoop>> Start(const Environment* env,
                                                          LabelLoopOptions options,
                                                          const inventory::NodeSource* node);
  ~LabelLoop();  // Stop()
  LabelLoop(const LabelLoop&) = delete;
  LabelLoop& operator=(const LabelLoop&) = delete;

  // Re-reads the config and labels.
  void Reload() ABSL_LOCKS_EXCLUDED(mu_);
  // Labels now (the inventory changed).
  void LabelNow() ABSL_LOCKS_EXCLUDED(mu_);
  // Ends the thread and withdraws the labels, unless the interval is
  // infinite (GFD leaves that file, which was meant to stay). Idempotent;
  // not concurrent with itself.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // Passes run so far (for tests).
  int passes() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  LabelLoop(const Environment* env, LabelLoopOptions options, const inventory::NodeSource* node)
      : env_(env), options_(std::move(options)), node_(node) {}
  absl::StatusOr<std::shared_ptr<const Config>> LoadGfdConfig() const;
  void Run();
  void Pass();

  const Environment* const env_;
  const LabelLoopOptions options_;
  const inventory::NodeSource* const node_;
  LabelOutput output_;  // the sink is used by the loop's thread only

  // Only the loop's thread touches these after Start().
  std::shared_ptr<const Config> config_;
  std::optional<labels::WallTime> timestamp_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool reload_ ABSL_GUARDED_BY(mu_) = false;
  bool label_now_ ABSL_GUARDED_BY(mu_) = false;
  int passes_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_LABEL_LOOP_H_
