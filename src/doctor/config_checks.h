// The Config section of `gpulet doctor`: the config file and the merged
// settings (flags > environment > file > defaults, through config/'s
// LoadConfig as the device plugin and feature discovery merge them), with
// the warnings the daemons would log and, for a config they refuse, the
// error that names the file, field or flag.
//
// Pure function of the load results; thread-compatible.
#ifndef GPULET_DOCTOR_CONFIG_CHECKS_H_
#define GPULET_DOCTOR_CONFIG_CHECKS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "doctor/doctor_report.h"

namespace gpulet::doctor {

struct LoadedConfigs {
  std::optional<std::string> file;  // ConfigFilePath for the device plugin
  absl::StatusOr<Config> plugin;    // ConfigUser::kDevicePlugin
  absl::StatusOr<Config> gfd;       // ConfigUser::kFeatureDiscovery
};

// Both loads, as the daemons do them.
LoadedConfigs LoadConfigs(const ConfigFlags& flags, const Environment& env);

// Adds the Config section. A plugin config that does not load is a
// blocking problem (the device plugin exits on it); a feature discovery
// config that does not load is not (only labels are lost).
void CheckConfig(const LoadedConfigs& configs, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_CONFIG_CHECKS_H_
