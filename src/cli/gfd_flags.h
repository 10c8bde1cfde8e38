// The flags of gpu-feature-discovery (reference §11.1) with GFD's names, for
// `gpulet feature-discovery` and, without those the device plugin already
// declares, for `gpulet node`. CLI11 only records what was given; the
// environment fallbacks are merged by config/ (flag > env > file >
// default), except the NodeFeature target's, resolved by Settings().
//
// Not thread-safe: used on the main thread while parsing.
#ifndef GPULET_CLI_GFD_FLAGS_H_
#define GPULET_CLI_GFD_FLAGS_H_

#include <map>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "config/config.h"
#include "config/environment.h"
#include "node/label_output.h"

namespace gpulet::cli {

class GfdFlagSet {
 public:
  // Which flags to declare: kAll for `gpulet feature-discovery`;
  // kOutputOnly leaves out those the device plugin's flag set declares
  // too (--mig-strategy, --fail-on-init-error, --config-file,
  // --device-discovery-strategy, --kubeconfig) and --oneshot.
  enum class Scope { kAll, kOutputOnly };
  GfdFlagSet(CLI::App& cmd, Scope scope);
  GfdFlagSet(const GfdFlagSet&) = delete;
  GfdFlagSet& operator=(const GfdFlagSet&) = delete;

  // Copies the given flags into `flags`, leaving the others as they are.
  void AddTo(ConfigFlags& flags) const;
  // --node-name > NODE_NAME, --namespace > NAMESPACE > "default",
  // --pod-name > POD_NAME; `kubeconfig` when --kubeconfig is not declared
  // here.
  node::NodeFeatureSettings Settings(const Environment& env,
                                     const std::string& kubeconfig = "") const;

 private:
  template <typename T>
  std::optional<T> IfGiven(const std::string& name, const T& value) const {
    auto it = options_.find(name);
    if (it == options_.end() || it->second->count() == 0) return std::nullopt;
    return value;
  }

  std::string mig_strategy_, sleep_interval_, output_file_, machine_type_file_, config_file_,
      discovery_, node_name_, namespace_, kubeconfig_, pod_name_;
  bool fail_on_init_error_ = true, oneshot_ = false, no_timestamp_ = false,
       use_node_feature_api_ = false;
  std::map<std::string, CLI::Option*> options_;
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_GFD_FLAGS_H_
