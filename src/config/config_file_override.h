// ConfigFileOverride: the config file chosen while the process runs (the
// per-node selection of `gpulet node`), which takes the place of
// --config-file / CONFIG_FILE for every later load of the config.
//
// One writer (the config switcher) and any number of readers, each of
// which loads the config on its own thread (the device plugin's Manager,
// the labelling loop). Thread-safe.
#ifndef GPULET_CONFIG_CONFIG_FILE_OVERRIDE_H_
#define GPULET_CONFIG_CONFIG_FILE_OVERRIDE_H_

#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "config/config.h"

namespace gpulet {

class ConfigFileOverride {
 public:
  // `path` "" means no config file at all (defaults, flags and env only).
  void Set(std::string path) ABSL_LOCKS_EXCLUDED(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    path_ = std::move(path);
  }
  // nullopt until the first Set().
  std::optional<std::string> Get() const ABSL_LOCKS_EXCLUDED(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    return path_;
  }
  // `flags` with the chosen file in place of --config-file, once chosen.
  ConfigFlags Apply(ConfigFlags flags) const {
    if (std::optional<std::string> path = Get()) flags.config_file = std::move(*path);
    return flags;
  }

 private:
  mutable std::mutex mu_;
  std::optional<std::string> path_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet

#endif  // GPULET_CONFIG_CONFIG_FILE_OVERRIDE_H_
