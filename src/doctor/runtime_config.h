// What containerd's and CRI-O's config files say about CDI and the NVIDIA
// runtime, read from their TOML (toml_keys.h). Pure functions over parsed
// keys; thread-safe.
//
// containerd: CDI is the CRI plugin's enable_cdi, in the section of the
// config version — version 3 (containerd 2.x)
// [plugins."io.containerd.cri.v1.runtime"], on by default; version 2
// [plugins."io.containerd.grpc.v1.cri"], off by default on containerd 1.7
// (and on when containerd 2.x migrates the file); version 1 or none
// [plugins.cri], off. Spec dirs: cdi_spec_dirs, default /etc/cdi and
// /var/run/cdi. `imports` name more files (globs in the last component)
// whose keys override the main file's.
//
// CRI-O: CDI is always on from 1.23; [crio.runtime] cdi_spec_dirs (same
// default) and default_runtime; files in crio.conf.d override crio.conf.
#ifndef GPULET_DOCTOR_RUNTIME_CONFIG_H_
#define GPULET_DOCTOR_RUNTIME_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "doctor/toml_keys.h"

namespace gpulet::doctor {

enum class CdiState { kOn, kOff, kUnknown };

struct RuntimeCdi {
  CdiState state = CdiState::kUnknown;
  std::string why;                     // one line: the key and section, or the default
  std::vector<std::string> spec_dirs;  // where the runtime reads specs
  std::string default_runtime;         // "" when not set
  bool nvidia_runtime = false;         // a runtime named "nvidia" is configured
};

// containerd's CDI setting from its merged keys (main file, then imports).
RuntimeCdi ContainerdCdi(const TomlKeys& keys);

// The `imports` of a containerd config; empty when none.
std::vector<std::string> ContainerdImports(const TomlKeys& keys);

// CRI-O's from its merged keys (crio.conf, then crio.conf.d/* in order).
RuntimeCdi CrioCdi(const TomlKeys& keys);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_RUNTIME_CONFIG_H_
