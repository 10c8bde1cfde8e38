#include "mock/nvml/machine_profile.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "mock/nvml/embedded_machines.h"
#include "mock/nvml/mig_layout.h"
#include "mock/nvml/yaml_field.h"
#include "nvml/nvml_abi.h"

namespace gpulet::mock {
namespace {

bool IsHex(absl::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}

// NVML's bus id form "DDDDDDDD:BB:DD.F" (upper-case hex).
absl::Status ParseBusId(const YamlField& f, std::string* bus_id,
                        PciProfile* pci) {
  ASSIGN_OR_RETURN(*bus_id, f.String());
  std::vector<absl::string_view> p = absl::StrSplit(*bus_id, absl::ByAnyChar(":."));
  bool ok = p.size() == 4 && IsHex(p[0], 8) && IsHex(p[1], 2) &&
            IsHex(p[2], 2) && IsHex(p[3], 1) &&
            absl::AsciiStrToUpper(*bus_id) == *bus_id;
  uint32_t domain = 0, bus = 0, device = 0;
  ok = ok && absl::SimpleHexAtoi(p[0], &domain) &&
       absl::SimpleHexAtoi(p[1], &bus) && absl::SimpleHexAtoi(p[2], &device);
  if (!ok) {
    return f.Error(absl::StrCat(
        "expected a PCI bus id like \"00000000:18:00.0\", got \"", *bus_id,
        "\""));
  }
  if (pci != nullptr) {
    pci->domain = domain;
    pci->bus = bus;
    pci->device = device;
  }
  return absl::OkStatus();
}

using EnumName = std::pair<absl::string_view, uint32_t>;

template <size_t N>
absl::StatusOr<uint32_t> ParseEnum(const YamlField& f,
                                   const EnumName (&values)[N]) {
  ASSIGN_OR_RETURN(std::string text, f.String());
  std::string expected;
  for (const auto& [name, value] : values) {
    if (name == text) return value;
    absl::StrAppend(&expected, expected.empty() ? "" : ", ", name);
  }
  return f.Error(absl::StrCat("expected one of ", expected, ", got \"", text,
                              "\""));
}

absl::Status ParsePci(const YamlField& f, PciProfile* pci) {
  RETURN_IF_ERROR(f.ExpectMap({"bus_id", "device_id", "subsystem_id"}));
  RETURN_IF_ERROR(ParseBusId(f["bus_id"], &pci->bus_id, pci));
  ASSIGN_OR_RETURN(pci->device_id, f["device_id"].Uint(0xffffffff));
  ASSIGN_OR_RETURN(pci->subsystem_id, f["subsystem_id"].Uint(0xffffffff));
  return absl::OkStatus();
}

absl::Status ParseMemory(const YamlField& f, MemoryProfile* memory) {
  RETURN_IF_ERROR(f.ExpectMap({"total", "reserved", "used"}));
  ASSIGN_OR_RETURN(memory->total, f["total"].Uint());
  if (f["reserved"].present()) {
    ASSIGN_OR_RETURN(memory->reserved, f["reserved"].Uint());
  }
  if (f["used"].present()) {
    ASSIGN_OR_RETURN(memory->used, f["used"].Uint());
  }
  if (memory->reserved > memory->total ||
      memory->used > memory->total - memory->reserved) {
    return f.Error("reserved + used exceeds total");
  }
  return absl::OkStatus();
}

absl::Status ParseComputeCapability(const YamlField& f, GpuProfile* gpu) {
  ASSIGN_OR_RETURN(std::string text, f.String());
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &gpu->cc_major) ||
      !absl::SimpleAtoi(parts[1], &gpu->cc_minor) || gpu->cc_major < 0 ||
      gpu->cc_minor < 0) {
    return f.Error(absl::StrCat("expected \"<major>.<minor>\", got \"", text,
                                "\""));
  }
  return absl::OkStatus();
}

absl::Status ParseNvLinks(const YamlField& f, std::vector<NvLinkGroup>* out) {
  RETURN_IF_ERROR(f.ExpectSequence());
  uint32_t total = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    YamlField link = f.At(i);
    RETURN_IF_ERROR(link.ExpectMap({"remote_bus_id", "count", "active"}));
    NvLinkGroup group;
    RETURN_IF_ERROR(ParseBusId(link["remote_bus_id"], &group.remote_bus_id,
                               nullptr));
    if (link["count"].present()) {
      ASSIGN_OR_RETURN(group.count, link["count"].Uint(NVML_NVLINK_MAX_LINKS));
    }
    if (link["active"].present()) {
      ASSIGN_OR_RETURN(group.active, link["active"].Bool());
    }
    total += group.count;
    if (total > NVML_NVLINK_MAX_LINKS) {
      return link.Error(absl::StrCat("more than ", NVML_NVLINK_MAX_LINKS,
                                     " NVLink links"));
    }
    out->push_back(std::move(group));
  }
  return absl::OkStatus();
}

absl::Status ParseTopology(const YamlField& f, PcieTopology* topology) {
  RETURN_IF_ERROR(f.ExpectMap({"host_bridge", "switches"}));
  ASSIGN_OR_RETURN(topology->host_bridge, f["host_bridge"].Uint(0xffffffff));
  if (!f["switches"].present()) return absl::OkStatus();
  RETURN_IF_ERROR(f["switches"].ExpectSequence());
  for (size_t i = 0; i < f["switches"].size(); ++i) {
    ASSIGN_OR_RETURN(std::string name, f["switches"].At(i).String());
    topology->switches.push_back(std::move(name));
  }
  return absl::OkStatus();
}

const EnumName kFabricStates[] = {
    {"not_supported", NVML_GPU_FABRIC_STATE_NOT_SUPPORTED},
    {"not_started", NVML_GPU_FABRIC_STATE_NOT_STARTED},
    {"in_progress", NVML_GPU_FABRIC_STATE_IN_PROGRESS},
    {"completed", NVML_GPU_FABRIC_STATE_COMPLETED}};

absl::StatusOr<FabricProfile> ParseFabric(const YamlField& f) {
  RETURN_IF_ERROR(f.ExpectMap(
      {"cluster_uuid", "clique_id", "state", "status", "health_mask"}));
  FabricProfile fabric;
  ASSIGN_OR_RETURN(std::string uuid, f["cluster_uuid"].Uuid(""));
  uuid = absl::StrReplaceAll(uuid, {{"-", ""}});
  for (size_t i = 0; i < fabric.cluster_uuid.size(); ++i) {
    uint32_t byte = 0;
    absl::SimpleHexAtoi(absl::string_view(uuid).substr(2 * i, 2), &byte);
    fabric.cluster_uuid[i] = static_cast<uint8_t>(byte);
  }
  ASSIGN_OR_RETURN(fabric.clique_id, f["clique_id"].Uint(0xffffffff));
  ASSIGN_OR_RETURN(fabric.state, ParseEnum(f["state"], kFabricStates));
  if (f["status"].present()) {
    ASSIGN_OR_RETURN(fabric.status, f["status"].Uint(NVML_ERROR_UNKNOWN));
  }
  if (f["health_mask"].present()) {
    ASSIGN_OR_RETURN(fabric.health_mask, f["health_mask"].Uint(0xffffffff));
  }
  return fabric;
}

const EnumName kArchitectures[] = {{"kepler", NVML_DEVICE_ARCH_KEPLER},
                      {"maxwell", NVML_DEVICE_ARCH_MAXWELL},
                      {"pascal", NVML_DEVICE_ARCH_PASCAL},
                      {"volta", NVML_DEVICE_ARCH_VOLTA},
                      {"turing", NVML_DEVICE_ARCH_TURING},
                      {"ampere", NVML_DEVICE_ARCH_AMPERE},
                      {"ada", NVML_DEVICE_ARCH_ADA},
                      {"hopper", NVML_DEVICE_ARCH_HOPPER},
                      {"blackwell", NVML_DEVICE_ARCH_BLACKWELL}};

const EnumName kBrands[] = {{"nvidia", NVML_BRAND_NVIDIA}, {"tesla", NVML_BRAND_TESLA},
               {"quadro", NVML_BRAND_QUADRO}, {"geforce", NVML_BRAND_GEFORCE},
               {"titan", NVML_BRAND_TITAN},   {"nvidia_rtx", NVML_BRAND_NVIDIA_RTX}};

absl::Status ParseGpuOptional(const YamlField& f, size_t index,
                              GpuProfile* gpu) {
  if (f["serial"].present()) {
    ASSIGN_OR_RETURN(gpu->serial, f["serial"].String());
  }
  if (f["numa_node"].present()) {
    ASSIGN_OR_RETURN(gpu->numa_node, f["numa_node"].Uint(1023));
  }
  gpu->brand = NVML_BRAND_NVIDIA;
  if (f["brand"].present()) {
    ASSIGN_OR_RETURN(gpu->brand, ParseEnum(f["brand"], kBrands));
  }
  if (f["mig"].present()) RETURN_IF_ERROR(ParseMigLayout(f["mig"], &gpu->mig));
  if (f["nvlinks"].present()) {
    RETURN_IF_ERROR(ParseNvLinks(f["nvlinks"], &gpu->nvlinks));
  }
  // Without a topology entry each GPU sits alone on its own host bridge.
  gpu->topology.host_bridge = static_cast<uint32_t>(index);
  if (f["topology"].present()) {
    RETURN_IF_ERROR(ParseTopology(f["topology"], &gpu->topology));
  }
  if (f["fabric"].present()) {
    ASSIGN_OR_RETURN(gpu->fabric, ParseFabric(f["fabric"]));
  }
  return absl::OkStatus();
}

absl::StatusOr<GpuProfile> ParseGpu(const YamlField& f, size_t index) {
  RETURN_IF_ERROR(f.ExpectMap({"name", "uuid", "serial", "minor", "pci",
                               "numa_node", "memory", "compute_capability",
                               "architecture", "brand", "mig", "nvlinks",
                               "topology", "fabric"}));
  GpuProfile gpu;
  ASSIGN_OR_RETURN(gpu.name, f["name"].String());
  if (gpu.name.empty() || gpu.name.size() >= NVML_DEVICE_NAME_V2_BUFFER_SIZE) {
    return f["name"].Error("expected 1 to 95 characters");
  }
  ASSIGN_OR_RETURN(gpu.uuid, f["uuid"].Uuid("GPU-"));
  ASSIGN_OR_RETURN(gpu.minor, f["minor"].Uint(255));
  RETURN_IF_ERROR(ParsePci(f["pci"], &gpu.pci));
  RETURN_IF_ERROR(ParseMemory(f["memory"], &gpu.memory));
  RETURN_IF_ERROR(ParseComputeCapability(f["compute_capability"], &gpu));
  ASSIGN_OR_RETURN(gpu.architecture,
                   ParseEnum(f["architecture"], kArchitectures));
  RETURN_IF_ERROR(ParseGpuOptional(f, index, &gpu));
  return gpu;
}

// Identifiers that the driver guarantees unique across the machine.
absl::Status CheckUnique(const YamlField& gpus, const MachineProfile& m) {
  absl::flat_hash_set<std::string> uuids, bus_ids;
  absl::flat_hash_set<uint32_t> minors;
  for (size_t i = 0; i < m.gpus.size(); ++i) {
    const GpuProfile& g = m.gpus[i];
    if (!uuids.insert(g.uuid).second) {
      return gpus.At(i)["uuid"].Error("duplicate UUID " + g.uuid);
    }
    if (!bus_ids.insert(g.pci.bus_id).second) {
      return gpus.At(i)["pci"]["bus_id"].Error("duplicate bus id " +
                                               g.pci.bus_id);
    }
    if (!minors.insert(g.minor).second) {
      return gpus.At(i)["minor"].Error(
          absl::StrCat("duplicate minor number ", g.minor));
    }
    for (size_t j = 0; j < g.mig.devices.size(); ++j) {
      if (!uuids.insert(g.mig.devices[j].uuid).second) {
        return gpus.At(i)["mig"]["devices"].At(j)["uuid"].Error(
            "duplicate UUID " + g.mig.devices[j].uuid);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MachineProfile> ParseRoot(const YamlField& root) {
  RETURN_IF_ERROR(root.ExpectMap(
      {"driver_version", "cuda_driver_version", "nvml_version", "gpus"}));
  MachineProfile m;
  ASSIGN_OR_RETURN(m.driver_version, root["driver_version"].String());
  ASSIGN_OR_RETURN(m.cuda_driver_version,
                   root["cuda_driver_version"].Uint(1000000));
  m.nvml_version = "12." + m.driver_version;
  if (root["nvml_version"].present()) {
    ASSIGN_OR_RETURN(m.nvml_version, root["nvml_version"].String());
  }
  YamlField gpus = root["gpus"];
  RETURN_IF_ERROR(gpus.ExpectSequence());
  for (size_t i = 0; i < gpus.size(); ++i) {
    ASSIGN_OR_RETURN(GpuProfile gpu, ParseGpu(gpus.At(i), i));
    m.gpus.push_back(std::move(gpu));
  }
  RETURN_IF_ERROR(CheckUnique(gpus, m));
  return m;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open machine profile"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

uint32_t GpuProfile::NvLinkCount() const {
  uint32_t n = 0;
  for (const auto& g : nvlinks) n += g.count;
  return n;
}

absl::StatusOr<MachineProfile> ParseMachineProfile(std::string_view yaml,
                                                   std::string_view file_name) {
  ASSIGN_OR_RETURN(YamlField root,
                   YamlField::Parse(absl::string_view(yaml.data(), yaml.size()),
                                    std::string(file_name)));
  if (!root.present()) return root.Error("empty profile");
  ASSIGN_OR_RETURN(MachineProfile m, ParseRoot(root));
  m.file_name = std::string(file_name);
  return m;
}

absl::StatusOr<ProfileSource> ReadMachineProfileSource(
    std::string_view name_or_path_std) {
  const absl::string_view name_or_path(name_or_path_std.data(),
                                       name_or_path_std.size());
  if (absl::StrContains(name_or_path, '/') ||
      absl::EndsWith(name_or_path, ".yaml")) {
    std::string path(name_or_path);
    ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    return ProfileSource{std::move(text), path};
  }
  for (const EmbeddedMachine& e : EmbeddedMachines()) {
    if (absl::string_view(e.name.data(), e.name.size()) == name_or_path) {
      return ProfileSource{std::string(e.yaml), std::string(e.name) + ".yaml"};
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no shipped machine profile named \"", name_or_path,
      "\" (and it is not a path to a .yaml file)"));
}

absl::StatusOr<MachineProfile> LoadMachineProfile(std::string_view name_or_path) {
  ASSIGN_OR_RETURN(ProfileSource source, ReadMachineProfileSource(name_or_path));
  return ParseMachineProfile(source.yaml, source.file_name);
}

std::vector<std::string> ShippedMachineProfileNames() {
  std::vector<std::string> names;
  for (const EmbeddedMachine& e : EmbeddedMachines()) {
    names.emplace_back(e.name);
  }
  return names;
}

}  // namespace gpulet::mock
