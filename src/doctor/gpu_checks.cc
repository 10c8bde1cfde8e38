#include "doctor/gpu_checks.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gpulet::doctor {
namespace {

std::string Label(const inventory::Gpu& gpu) {
  std::string out = absl::StrCat("GPU ", gpu.index);
  std::vector<std::string> ids;
  if (!gpu.name.empty()) ids.push_back(gpu.name);
  if (!gpu.uuid.empty()) ids.push_back(gpu.uuid);
  if (!gpu.pci_bus_id.empty()) ids.push_back(gpu.pci_bus_id);
  if (!ids.empty()) absl::StrAppend(&out, " (", absl::StrJoin(ids, ", "), ")");
  return out;
}

nlohmann::ordered_json GpuFacts(const inventory::Gpu& gpu) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["index"] = gpu.index;
  json["uuid"] = gpu.uuid;
  json["name"] = gpu.name;
  json["pci_bus_id"] = gpu.pci_bus_id;
  json["health"] = GpuHealth(gpu);
  if (!gpu.problem.empty()) json["problem"] = gpu.problem;
  json["mig_capable"] = gpu.mig_capable;
  json["mig_enabled"] = gpu.mig_enabled;
  json["mig_pending"] = gpu.mig_pending;
  nlohmann::ordered_json migs = nlohmann::ordered_json::array();
  for (const inventory::MigDevice& mig : gpu.mig_devices) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    m["index"] = absl::StrCat(gpu.index, ":", mig.index);
    m["uuid"] = mig.uuid;
    m["profile"] = mig.profile;
    migs.push_back(std::move(m));
  }
  json["mig_devices"] = std::move(migs);
  return json;
}

std::vector<std::string> MigLines(const inventory::Gpu& gpu) {
  std::vector<std::string> lines;
  for (const inventory::MigDevice& mig : gpu.mig_devices) {
    lines.push_back(absl::StrCat("MIG ", gpu.index, ":", mig.index, " ", mig.profile, " ",
                                 mig.uuid, " (gi ", mig.gpu_instance_id, " ci ",
                                 mig.compute_instance_id, ")"));
  }
  return lines;
}

void CheckMigMode(const inventory::Gpu& gpu, Section& section) {
  if (gpu.mig_pending != gpu.mig_enabled) {
    section.Warn(absl::StrCat("GPU ", gpu.index, ": MIG ", gpu.mig_pending ? "enable" : "disable",
                              " pending; it takes effect after a GPU reset"),
                 absl::StrCat("drain the node, then `nvidia-smi -r -i ", gpu.index,
                              "` or reboot (nvidia-mig-manager does this for you)"));
  }
  if (gpu.mig_enabled && gpu.mig_devices.empty()) {
    section.Warn(absl::StrCat("GPU ", gpu.index, ": MIG enabled but no MIG devices; it offers no "
                              "resource"),
                 absl::StrCat("create MIG devices (`nvidia-smi mig -i ", gpu.index,
                              " -cgi <profiles> -C`, or nvidia.com/mig.config with "
                              "nvidia-mig-manager), or disable MIG"));
  }
}

void CheckDeviceNodes(const inventory::Inventory& inventory, Section& section) {
  std::vector<std::string> missing;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    for (const inventory::DeviceNodeRef& ref : gpu.device_nodes) {
      if (!ref.found()) missing.push_back("/dev/" + ref.name);
    }
    for (const inventory::MigDevice& mig : gpu.mig_devices) {
      for (const inventory::DeviceNodeRef& ref : mig.device_nodes) {
        if (!ref.found()) missing.push_back("/dev/" + ref.name);
      }
    }
  }
  if (missing.empty()) return;
  section.Problem(absl::StrCat(missing.size(), " device nodes missing under the dev root: ",
                               absl::StrJoin(missing, " ")),
                  "check --dev-root (GPU Operator: /run/nvidia/driver); `nvidia-modprobe -c <minor>` "
                  "creates /dev/nvidia<minor>, `nvidia-ctk system create-dev-char-symlinks` the rest",
                  false);
}

}  // namespace

std::string GpuHealth(const inventory::Gpu& gpu) {
  if (gpu.problem.empty()) return "healthy";
  if (absl::StrContains(gpu.problem, "GPU is lost") ||
      absl::StrContains(gpu.problem, "GPU_IS_LOST")) {
    return "lost";
  }
  return "unreadable";
}

std::string GpuFix(const inventory::Gpu& gpu) {
  if (GpuHealth(gpu) == "lost") {
    return absl::StrCat("the GPU fell off the bus: look for Xid 79 in `dmesg` / `journalctl -k`, "
                        "check `nvidia-smi`; drain the node, then reset the GPU (`nvidia-smi -r -i ",
                        gpu.index, "`) or reboot; replace it if it happens again");
  }
  return absl::StrCat("check `nvidia-smi -q -i ", gpu.index,
                      "` and `dmesg` for Xid errors; a reset (`nvidia-smi -r -i ", gpu.index,
                      "`) or a reboot clears most");
}

void CheckGpus(const inventory::Inventory& inventory, DoctorReport& report) {
  Section& section = report.AddSection("gpus", "GPUs");
  nlohmann::ordered_json gpus = nlohmann::ordered_json::array();
  for (const inventory::Gpu& gpu : inventory.gpus) gpus.push_back(GpuFacts(gpu));
  section.facts["count"] = inventory.gpus.size();
  section.facts["gpus"] = std::move(gpus);
  if (inventory.gpus.empty()) {
    section.Problem("NVML lists no GPU", "check `nvidia-smi` and `lspci | grep -i nvidia`; a GPU "
                                         "bound to vfio-pci is not visible to NVML",
                    true);
    return;
  }
  for (const inventory::Gpu& gpu : inventory.gpus) {
    if (gpu.problem.empty()) {
      std::string mig = !gpu.mig_enabled ? "" : absl::StrCat(", MIG: ", gpu.mig_devices.size(),
                                                             " devices");
      section.Ok(absl::StrCat(Label(gpu), ": healthy", mig)).details = MigLines(gpu);
    } else {
      section.Problem(absl::StrCat(Label(gpu), ": ", GpuHealth(gpu), ": ", gpu.problem),
                      GpuFix(gpu), false);
    }
    CheckMigMode(gpu, section);
  }
  CheckDeviceNodes(inventory, section);
}

}  // namespace gpulet::doctor
