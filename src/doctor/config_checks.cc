#include "doctor/config_checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"

namespace gpulet::doctor {
namespace {

std::string ListStrategies(const Config& config) {
  std::vector<std::string> names;
  for (DeviceListStrategy s : config.plugin.device_list_strategies) {
    names.emplace_back(ToString(s));
  }
  return absl::StrJoin(names, ",");
}

std::string FixFor(const LoadedConfigs& configs) {
  if (configs.file.has_value()) {
    return absl::StrCat("correct ", *configs.file,
                        " (or the flag or variable named); the daemons refuse to start with it");
  }
  return "correct the flag or environment variable named; the daemons refuse to start with it";
}

}  // namespace

LoadedConfigs LoadConfigs(const ConfigFlags& flags, const Environment& env) {
  return LoadedConfigs{ConfigFilePath(flags, env, ConfigUser::kDevicePlugin),
                       LoadConfig(flags, env, ConfigUser::kDevicePlugin),
                       LoadConfig(flags, env, ConfigUser::kFeatureDiscovery)};
}

void CheckConfig(const LoadedConfigs& configs, DoctorReport& report) {
  Section& section = report.AddSection("config", "Config");
  section.facts["file"] = configs.file.value_or("");
  if (!configs.plugin.ok()) {
    section.facts["error"] = std::string(configs.plugin.status().message());
    section.Problem(absl::StrCat("the device plugin refuses the config: ",
                                 configs.plugin.status().message()),
                    FixFor(configs), true);
    return;
  }
  const Config& config = *configs.plugin;
  section.facts["mig_strategy"] = ToString(config.mig_strategy);
  section.facts["device_list_strategy"] = ListStrategies(config);
  section.facts["device_id_strategy"] = ToString(config.plugin.device_id_strategy);
  section.facts["pass_device_specs"] = config.plugin.pass_device_specs;
  section.facts["sharing"] = ToString(config.sharing.Strategy());
  section.facts["fail_on_init_error"] = config.fail_on_init_error;
  Finding& ok = section.Ok(configs.file.has_value()
                               ? absl::StrCat("config file ", *configs.file, " loads")
                               : std::string("no config file: flags, environment and defaults"));
  ok.details.push_back(absl::StrCat(
      "migStrategy ", AsAbsl(ToString(config.mig_strategy)), ", deviceListStrategy ",
      ListStrategies(config), ", deviceIDStrategy ",
      AsAbsl(ToString(config.plugin.device_id_strategy)), ", sharing ",
      AsAbsl(ToString(config.sharing.Strategy()))));
  for (const std::string& warning : config.warnings) {
    section.Warn(warning, "remove or correct the setting; the daemons ignore it");
  }
  if (!configs.gfd.ok()) {
    section.Problem(absl::StrCat("feature discovery refuses the config: ",
                                 configs.gfd.status().message()),
                    FixFor(configs), false);
  }
}

}  // namespace gpulet::doctor
