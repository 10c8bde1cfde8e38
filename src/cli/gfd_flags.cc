#include "cli/gfd_flags.h"

namespace gpulet::cli {

GfdFlagSet::GfdFlagSet(CLI::App& cmd, Scope scope) {
  auto& o = options_;
  if (scope == Scope::kAll) {
    o["mig"] = cmd.add_option("--mig-strategy", mig_strategy_,
                              "none, single or mixed (env GFD_MIG_STRATEGY, MIG_STRATEGY)");
    o["fail"] = cmd.add_flag("--fail-on-init-error{true}", fail_on_init_error_,
                             "exit when NVML cannot be used (env GFD_FAIL_ON_INIT_ERROR)");
    o["oneshot"] = cmd.add_flag("--oneshot", oneshot_, "label once and exit (env GFD_ONESHOT)");
    o["config"] = cmd.add_option("--config-file", config_file_,
                                 "config file v1, YAML or JSON (env GFD_CONFIG_FILE, CONFIG_FILE)");
    o["kubeconfig"] = cmd.add_option(
        "--kubeconfig", kubeconfig_, "kubeconfig file; in-cluster config when unset (env KUBECONFIG)");
    o["discovery"] = cmd.add_option("--device-discovery-strategy", discovery_,
                                    "auto or nvml (env DEVICE_DISCOVERY_STRATEGY)");
  }
  o["nots"] = cmd.add_flag("--no-timestamp", no_timestamp_,
                           "omit nvidia.com/gfd.timestamp (env GFD_NO_TIMESTAMP)");
  o["sleep"] = cmd.add_option("--sleep-interval", sleep_interval_,
                              "time between labelling passes, e.g. 60s, or infinite "
                              "(env GFD_SLEEP_INTERVAL; default 60s)");
  // expected(0, 1): CLI11 would otherwise take the argument after an empty
  // "--output-file=" as the value ("--output-file= --oneshot" writing to a
  // file named --oneshot); with an optional value it stays empty (stdout).
  o["out"] = cmd.add_option("--output-file,--output,-o", output_file_,
                            "features.d file; empty prints to stdout (env GFD_OUTPUT_FILE)")
                 ->expected(0, 1);
  o["machine"] = cmd.add_option("--machine-type-file", machine_type_file_,
                                "host file with the machine type (env GFD_MACHINE_TYPE_FILE)");
  o["nfdapi"] = cmd.add_flag("--use-node-feature-api{true}", use_node_feature_api_,
                             "publish a NodeFeature object instead of the features.d file "
                             "(env GFD_USE_NODE_FEATURE_API, USE_NODE_FEATURE_API)");
  o["node"] = cmd.add_option("--node-name", node_name_, "this node (env NODE_NAME)");
  o["ns"] = cmd.add_option("--namespace", namespace_,
                           "namespace of the NodeFeature object (env NAMESPACE; default default)");
  o["pod"] = cmd.add_option("--pod-name", pod_name_,
                            "this pod, owner of the NodeFeature object (env POD_NAME)");
}

void GfdFlagSet::AddTo(ConfigFlags& f) const {
  auto set = [](auto& field, auto given) {
    if (given.has_value()) field = std::move(given);
  };
  set(f.mig_strategy, IfGiven("mig", mig_strategy_));
  set(f.fail_on_init_error, IfGiven("fail", fail_on_init_error_));
  set(f.oneshot, IfGiven("oneshot", oneshot_));
  set(f.config_file, IfGiven("config", config_file_));
  set(f.device_discovery_strategy, IfGiven("discovery", discovery_));
  set(f.no_timestamp, IfGiven("nots", no_timestamp_));
  set(f.sleep_interval, IfGiven("sleep", sleep_interval_));
  set(f.output_file, IfGiven("out", output_file_));
  set(f.machine_type_file, IfGiven("machine", machine_type_file_));
  set(f.use_node_feature_api, IfGiven("nfdapi", use_node_feature_api_));
}

node::NodeFeatureSettings GfdFlagSet::Settings(const Environment& env,
                                               const std::string& kubeconfig) const {
  auto pick = [&](const char* option, const std::string& value, const char* variable,
                  const char* fallback) -> std::string {
    if (IfGiven(option, value).has_value()) return value;
    std::optional<std::string> from_env = env.Get(variable);
    return from_env.has_value() && !from_env->empty() ? *from_env : fallback;
  };
  node::NodeFeatureSettings out;
  out.node_name = pick("node", node_name_, "NODE_NAME", "");
  out.namespace_ = pick("ns", namespace_, "NAMESPACE", "default");
  // $KUBECONFIG is the Kubernetes client's to resolve, as client-go does.
  out.kubeconfig = IfGiven("kubeconfig", kubeconfig_).value_or(kubeconfig);
  out.pod_name = pick("pod", pod_name_, "POD_NAME", "");
  return out;
}

}  // namespace gpulet::cli
