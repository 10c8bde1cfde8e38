#include "doctor/driver_checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gpulet::doctor {
namespace {

void AddLayout(const DriverState& state, Section& section) {
  const NodeOptions& o = state.options;
  section.facts["driver_root"] = o.driver_root;
  section.facts["dev_root"] = o.dev_root.empty() ? o.driver_root : o.dev_root;
  section.facts["driver_root_ctr_path"] = o.driver_root_ctr_path;
  section.facts["nvml_library"] = o.nvml_library;
  Finding& layout = section.Note(absl::StrCat(
      "driver root ", o.driver_root, ", dev root ", o.dev_root.empty() ? o.driver_root : o.dev_root));
  if (!state.host->ok()) return;
  for (const hostfs::HostView::Binding& binding : (*state.host)->view().bindings()) {
    if (binding.host_dir != binding.agent_dir) {
      layout.details.push_back(
          absl::StrCat("host ", binding.host_dir, " is read at ", binding.agent_dir));
    }
  }
}

// Whether /proc/driver/nvidia/gpus lists GPUs; a problem only when NVML
// did not load either (a mock NVML or a /proc hidden from a container
// answers without it).
void AddKernelDriver(const DriverState& state, Section& section) {
  if (!state.host->ok()) {
    section.Problem(std::string((*state.host).status().message()),
                    "fix --driver-root / --dev-root (absolute host paths)", true);
    return;
  }
  absl::StatusOr<bool> loaded = (*state.host)->NvidiaDriverLoaded();
  section.facts["kernel_driver_loaded"] = loaded.ok() && *loaded;
  if (loaded.ok() && *loaded) {
    section.Ok("NVIDIA kernel driver loaded (/proc/driver/nvidia/gpus lists GPUs)");
  } else if (state.nvml_status.ok()) {
    section.Warn("/proc/driver/nvidia/gpus is empty or absent, yet NVML answers",
                 "expected with a mock NVML library; in a container, mount the host's /proc "
                 "or run on the host");
  } else {
    section.Problem("no NVIDIA kernel driver: /proc/driver/nvidia/gpus is empty or absent",
                    "install or load the driver (`modprobe nvidia`, or check the GPU Operator's "
                    "driver pod); `lspci | grep -i nvidia` shows whether the GPUs are on the bus",
                    true);
  }
}

void AddNvml(const DriverState& state, Section& section) {
  if (!state.nvml_status.ok()) {
    std::string fix =
        state.options.driver_root == "/"
            ? "install the driver's user-space libraries, or point gpulet at libnvidia-ml.so.1 "
              "with --nvml-library PATH"
            : absl::StrCat("check that ", state.options.driver_root,
                           " holds the driver (GPU Operator: /run/nvidia/driver) and is mounted "
                           "at --driver-root-ctr-path ", state.options.driver_root_ctr_path);
    section.Problem(absl::StrCat("NVML not usable: ", state.nvml_status.message()), fix, true);
    return;
  }
  const nvml::NvmlLibrary& nvml = *state.node->nvml();
  std::string from = nvml.LoadedFrom();
  section.facts["nvml_loaded_from"] = from;
  Finding& found = section.Ok(absl::StrCat("libnvidia-ml.so.1 loaded from ", from));
  if (from != nvml.path()) found.details.push_back(absl::StrCat("asked the loader for ", nvml.path()));
}

void AddVersions(const DriverState& state, Section& section) {
  if (state.node == nullptr) return;
  if (state.inventory == nullptr) {
    section.Problem(absl::StrCat("NVML loaded but the GPUs cannot be listed: ",
                                 state.inventory_status.message()),
                    "check `nvidia-smi`; a driver/library version mismatch needs a reboot or a "
                    "driver reinstall",
                    true);
    return;
  }
  const inventory::Inventory& inv = *state.inventory;
  section.facts["driver_version"] = inv.driver_version;
  section.facts["nvml_version"] = inv.nvml_version;
  section.facts["cuda_driver_version"] = inv.CudaDriverVersionString();
  section.Ok(absl::StrCat("driver ", inv.driver_version, ", NVML ", inv.nvml_version, ", CUDA ",
                          inv.CudaDriverVersionString()));
}

void AddControlNodes(const DriverState& state, Section& section) {
  if (state.inventory == nullptr) return;
  std::vector<std::string> found;
  bool ctl = false;
  for (const hostfs::DeviceNode& node : state.inventory->control_nodes) {
    found.push_back(node.host_path);
    ctl = ctl || node.host_path.ends_with("/nvidiactl");
  }
  section.facts["control_nodes"] = found;
  if (ctl) {
    section.Ok(absl::StrCat("control device nodes: ", absl::StrJoin(found, " ")));
    return;
  }
  section.Problem(
      absl::StrCat("no /dev/nvidiactl under the dev root ",
                   (*state.host)->roots().dev_root(), "; containers get no GPU access"),
      "check --dev-root (GPU Operator: /run/nvidia/driver); `nvidia-modprobe -c 0 -u` creates "
      "the nodes",
      false);
}

}  // namespace

void CheckDriver(const DriverState& state, DoctorReport& report) {
  Section& section = report.AddSection("driver", "Driver");
  AddLayout(state, section);
  AddKernelDriver(state, section);
  if (!state.host->ok()) return;
  AddNvml(state, section);
  AddVersions(state, section);
  AddControlNodes(state, section);
}

}  // namespace gpulet::doctor
