// The CDI (Container Device Interface) spec as plain values: what a spec
// file holds, independent of its JSON or YAML spelling.
//
// Field names and meaning follow the CDI specification (specs-go in
// cncf-tags/container-device-interface); spec_codec.h reads and writes them,
// spec_validator.h checks the rules container runtimes enforce, and
// spec_version.h computes the lowest cdiVersion that can express a spec.
//
// Plain values: copyable, thread-safe to read.
#ifndef GPULET_CDI_SPEC_H_
#define GPULET_CDI_SPEC_H_

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpulet::cdi {

struct DeviceNode {
  std::string path;       // in the container, e.g. "/dev/nvidia0"
  std::string host_path;  // empty: the same as `path`
  std::string type;       // "", "b", "c", "u" or "p"
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::optional<uint32_t> file_mode;  // Go os.FileMode bits
  std::string permissions;            // "", "none" or letters of "rwm"
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;

  friend auto operator<=>(const DeviceNode&, const DeviceNode&) = default;
  friend bool operator==(const DeviceNode&, const DeviceNode&) = default;
};

struct Mount {
  std::string host_path;
  std::string container_path;
  std::string type;
  std::vector<std::string> options;

  friend auto operator<=>(const Mount&, const Mount&) = default;
  friend bool operator==(const Mount&, const Mount&) = default;
};

struct Hook {
  std::string hook_name;  // OCI hook point, e.g. "createContainer"
  std::string path;       // executable, resolved in the runtime's namespace
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int64_t> timeout;

  friend auto operator<=>(const Hook&, const Hook&) = default;
  friend bool operator==(const Hook&, const Hook&) = default;
};

struct NetDevice {
  std::string host_interface_name;
  std::string name;

  friend auto operator<=>(const NetDevice&, const NetDevice&) = default;
  friend bool operator==(const NetDevice&, const NetDevice&) = default;
};

struct IntelRdt {
  std::string clos_id;
  std::string l3_cache_schema;
  std::string mem_bw_schema;
  std::vector<std::string> schemata;  // 1.1.0
  bool enable_monitoring = false;     // 1.1.0

  friend auto operator<=>(const IntelRdt&, const IntelRdt&) = default;
  friend bool operator==(const IntelRdt&, const IntelRdt&) = default;
};

struct ContainerEdits {
  std::vector<std::string> env;  // "NAME=value"
  std::vector<DeviceNode> device_nodes;
  std::vector<NetDevice> net_devices;
  std::vector<Hook> hooks;
  std::vector<Mount> mounts;
  std::optional<IntelRdt> intel_rdt;
  std::vector<uint32_t> additional_gids;

  // True when nothing would be applied to a container.
  bool empty() const {
    return env.empty() && device_nodes.empty() && net_devices.empty() &&
           hooks.empty() && mounts.empty() && !intel_rdt.has_value() &&
           additional_gids.empty();
  }

  friend bool operator==(const ContainerEdits&, const ContainerEdits&) = default;
};

struct Device {
  std::string name;  // e.g. "0", "GPU-<uuid>", "0:1", "all"
  std::map<std::string, std::string> annotations;
  ContainerEdits edits;

  friend bool operator==(const Device&, const Device&) = default;
};

struct Spec {
  std::string version;  // cdiVersion, e.g. "0.5.0"
  std::string kind;     // "<vendor>/<class>", e.g. "nvidia.com/gpu"
  std::map<std::string, std::string> annotations;
  std::vector<Device> devices;
  ContainerEdits edits;  // applied whenever any device of the spec is

  friend bool operator==(const Spec&, const Spec&) = default;
};

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_H_
