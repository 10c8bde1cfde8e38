// ConfigSwitcher: per-node config selection inside `gpulet node`, what
// NVIDIA's chart does with its config-manager init container and sidecar
// (reference device-plugin.md §3), without a second process, a symlink or
// a signal.
//
// It is told the node's `nvidia.com/device-plugin.config` label value (by
// the node watch), chooses a config from the mounted ConfigMap directory
// (SelectConfig), loads it as each running part would and only then
// switches: the ConfigFileOverride points at the new file and `on_switch`
// asks the parts to reload. A choice that fails — an unknown name, a file
// that does not parse or validate — changes nothing: the running config
// stays, and the cause is said once in one log line and one Warning event
// on the node (again only when the cause changes). It also re-reads the
// directory every `recheck_interval`, so an edited ConfigMap (the kubelet
// updates the mounted files in place) takes effect without a label change,
// which config-manager never noticed.
//
// Threading: Update() may be called from any thread; the work runs on the
// switcher's own thread, so a slow file read never stalls the node watch.
// Start() once, Stop() from the owner.
#ifndef GPULET_NODE_CONFIG_SWITCHER_H_
#define GPULET_NODE_CONFIG_SWITCHER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "config/config.h"
#include "config/config_file_override.h"
#include "config/environment.h"
#include "node/config_selection.h"
#include "node/node_events.h"

namespace gpulet::node {

struct ConfigSwitcherOptions {
  ConfigSelectionOptions selection;
  std::string label = kDefaultConfigLabel;  // for log lines and events
  ConfigFlags flags;                        // a candidate is loaded with these
  // The parts whose config loads must succeed: NVIDIA's plugin and GFD read
  // different environment variables.
  bool device_plugin = true;
  bool feature_discovery = true;
  std::chrono::milliseconds recheck_interval{30000};
};

class ConfigSwitcher {
 public:
  // `env` must outlive the switcher; `events` too, or null (no events).
  ConfigSwitcher(const Environment* env, ConfigSwitcherOptions options,
                 std::shared_ptr<ConfigFileOverride> choice, NodeEvents* events,
                 std::function<void()> on_switch);
  ~ConfigSwitcher();  // Stop()
  ConfigSwitcher(const ConfigSwitcher&) = delete;
  ConfigSwitcher& operator=(const ConfigSwitcher&) = delete;

  // The first choice, before any part starts (what config-manager's init
  // container does). With an unusable label value it falls back as if the
  // label were absent, so a mislabelled node still starts; the error is
  // returned only when no config can be chosen at all, or the chosen one
  // does not load (its loader's error).
  absl::Status Initialize(std::optional<std::string> label_value);

  // The label's value now (nullopt: no label). Handled on the switcher's
  // thread.
  void Update(std::optional<std::string> label_value) ABSL_LOCKS_EXCLUDED(mu_);

  void Start();
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // The config in use: "" before Initialize() or for the empty config.
  std::string current_name() const ABSL_LOCKS_EXCLUDED(mu_);
  // Switches made after Initialize() (for tests).
  int switches() const ABSL_LOCKS_EXCLUDED(mu_);
  // Refusals reported (log line and event), for tests.
  int refusals() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Candidate {
    ConfigChoice choice;
    std::string text;  // the file's content, "" for the empty config
  };
  absl::StatusOr<Candidate> Choose(std::optional<std::string> label_value) const;
  absl::Status Load(const Candidate& candidate) const;
  // Chooses and switches if the choice or its content differs.
  void Apply(std::optional<std::string> label_value);
  std::string Subject(const std::optional<std::string>& label_value) const;
  // Logs and reports `cause` with what happens instead, unless `cause` was
  // the last one reported.
  void Refuse(const std::string& cause, const std::string& outcome);
  void Run();

  const Environment* const env_;
  const ConfigSwitcherOptions options_;
  const std::shared_ptr<ConfigFileOverride> choice_;
  NodeEvents* const events_;
  const std::function<void()> on_switch_;

  // Only the switcher's thread (and Initialize(), before it) writes these.
  std::optional<Candidate> current_;
  std::string last_refusal_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::string> label_ ABSL_GUARDED_BY(mu_);
  bool pending_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string current_name_ ABSL_GUARDED_BY(mu_);
  int switches_ ABSL_GUARDED_BY(mu_) = 0;
  int refusals_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_CONFIG_SWITCHER_H_
