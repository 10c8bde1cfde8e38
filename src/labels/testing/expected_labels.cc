#include "labels/testing/expected_labels.h"

#include <cstdint>
#include <string>

namespace gpulet::labels::testing {
namespace {

constexpr char kNs[] = "nvidia.com/";

struct Machine {
  std::string name;
  std::string driver_major, driver_minor, driver_rev;
  std::string cuda_major, cuda_minor;
  // nvidia.com/gpu.* of the GPU model that labels the node.
  std::string product;
  int count;
  int memory_mib;
  std::string family;
  int compute_major, compute_minor;
  bool mig_capable;
  bool any_mig_enabled;
};

const Machine kMachines[] = {
    {"dgx-h100", "550", "54", "15", "12", "4", "NVIDIA-H100-80GB-HBM3", 8, 81559,
     "hopper", 9, 0, true, false},
    {"dgx-a100-mig", "550", "54", "15", "12", "4", "NVIDIA-A100-SXM4-40GB", 8, 40960,
     "ampere", 8, 0, true, true},
    {"t4", "535", "161", "08", "12", "2", "Tesla-T4", 1, 15360, "turing", 7, 5, false,
     false},
    // Two A100 80GB PCIe (GPUs 0, 1) and two T4: GPU 0's model labels the node.
    {"hetero", "550", "54", "15", "12", "4", "NVIDIA-A100-80GB-PCIe", 2, 81920, "ampere",
     8, 0, true, false},
    // Four GB200 of one NVL72 tray, all in one fabric clique (below).
    {"gb200-nvl", "570", "124", "06", "12", "8", "NVIDIA-GB200", 4, 189471, "blackwell",
     10, 0, false, false},
};

// The MIG devices of dgx-a100-mig by profile, with NVML's attributes of
// the A100-SXM4-40GB profiles.
struct MigRow {
  std::string profile;  // as in the resource name
  int count, memory, sms, gi, ci, copy, decoder, encoder, jpeg, ofa;
};
const MigRow kA100MigRows[] = {
    {"1g.5gb", 8, 4864, 14, 1, 1, 1, 0, 0, 0, 0},
    {"1g.5gb.me", 1, 4864, 14, 1, 1, 1, 1, 0, 1, 1},
    {"1g.10gb", 1, 9856, 14, 1, 1, 1, 1, 0, 0, 0},
    {"2g.10gb", 1, 9856, 28, 2, 2, 2, 1, 0, 0, 0},
    {"3g.20gb", 3, 19968, 42, 3, 3, 3, 2, 0, 0, 0},
    {"4g.20gb", 1, 19968, 56, 4, 4, 4, 2, 0, 0, 0},
    {"7g.40gb", 1, 40192, 98, 7, 7, 7, 5, 0, 1, 1},
};

void AddCommon(const Machine& m, bool mps, LabelMap& out) {
  const std::string driver = m.driver_major + "." + m.driver_minor + "." + m.driver_rev;
  out = {
      {"nvidia.com/gfd.timestamp", "1724632719"},
      {"nvidia.com/cuda.driver.major", m.driver_major},
      {"nvidia.com/cuda.driver.minor", m.driver_minor},
      {"nvidia.com/cuda.driver.rev", m.driver_rev},
      {"nvidia.com/cuda.driver-version.major", m.driver_major},
      {"nvidia.com/cuda.driver-version.minor", m.driver_minor},
      {"nvidia.com/cuda.driver-version.revision", m.driver_rev},
      {"nvidia.com/cuda.driver-version.full", driver},
      {"nvidia.com/cuda.runtime.major", m.cuda_major},
      {"nvidia.com/cuda.runtime.minor", m.cuda_minor},
      {"nvidia.com/cuda.runtime-version.major", m.cuda_major},
      {"nvidia.com/cuda.runtime-version.minor", m.cuda_minor},
      {"nvidia.com/cuda.runtime-version.full", m.cuda_major + "." + m.cuda_minor},
      {"nvidia.com/gpu.machine", "DGX-H100"},
      {"nvidia.com/gpu.mode", "compute"},
      {"nvidia.com/mig.capable", m.mig_capable ? "true" : "false"},
      {"nvidia.com/mps.capable", mps && !m.any_mig_enabled ? "true" : "false"},
      {"nvidia.com/gpu.count", std::to_string(m.count)},
      {"nvidia.com/gpu.memory", std::to_string(m.memory_mib)},
      {"nvidia.com/gpu.family", m.family},
      {"nvidia.com/gpu.compute.major", std::to_string(m.compute_major)},
      {"nvidia.com/gpu.compute.minor", std::to_string(m.compute_minor)},
  };
}

// product, replicas and sharing-strategy of `resource` for a sharing mode
// that replicates it `replicas` times (1: not shared).
void AddSharing(const std::string& resource, const std::string& product, int replicas,
                const std::string& strategy, bool renamed, LabelMap& out) {
  bool shared = replicas > 1;
  out[resource + ".product"] = product + (shared && !renamed ? "-SHARED" : "");
  out[resource + ".replicas"] = std::to_string(replicas);
  out[resource + ".sharing-strategy"] = shared ? strategy : "none";
}

void AddA100Mixed(const std::string& sharing, LabelMap& out) {
  for (const MigRow& r : kA100MigRows) {
    std::string res = std::string(kNs) + "mig-" + r.profile;
    int replicas = sharing == "time-slicing" && r.profile == "1g.5gb" ? 2 : 1;
    AddSharing(res, "NVIDIA-A100-SXM4-40GB-MIG-" + r.profile, replicas, "time-slicing",
               false, out);
    out[res + ".count"] = std::to_string(r.count);
    out[res + ".memory"] = std::to_string(r.memory);
    out[res + ".multiprocessors"] = std::to_string(r.sms);
    out[res + ".slices.gi"] = std::to_string(r.gi);
    out[res + ".slices.ci"] = std::to_string(r.ci);
    out[res + ".engines.copy"] = std::to_string(r.copy);
    out[res + ".engines.decoder"] = std::to_string(r.decoder);
    out[res + ".engines.encoder"] = std::to_string(r.encoder);
    out[res + ".engines.jpeg"] = std::to_string(r.jpeg);
    out[res + ".engines.ofa"] = std::to_string(r.ofa);
  }
}

// dgx-a100-mig mixes MIG-enabled and disabled GPUs: invalid for single.
void AddA100SingleInvalid(LabelMap& out) {
  out["nvidia.com/gpu.product"] = "NVIDIA-A100-SXM4-40GB-MIG-INVALID";
  out["nvidia.com/gpu.count"] = "0";
  out["nvidia.com/gpu.replicas"] = "0";
  out["nvidia.com/gpu.memory"] = "0";
  out["nvidia.com/gpu.sharing-strategy"] = "";
}

}  // namespace

LabelMap ExpectedLabels(const std::string& machine, MigStrategy strategy,
                        const std::string& sharing) {
  LabelMap out;
  for (const Machine& m : kMachines) {
    if (m.name != machine) continue;
    AddCommon(m, sharing == "mps", out);
    int replicas = sharing == "none" ? 1 : sharing == "mps" ? 2 : 4;
    std::string mode = sharing == "mps" ? "mps" : "time-slicing";
    AddSharing("nvidia.com/gpu", m.product, replicas, mode,
               sharing == "time-slicing-renamed", out);
    if (strategy != MigStrategy::kNone) {
      out["nvidia.com/mig.strategy"] = strategy == MigStrategy::kSingle ? "single" : "mixed";
    }
    if (machine == "gb200-nvl") {
      out["nvidia.com/gpu.clique"] = "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31.32766";
    }
    if (machine == "dgx-a100-mig" && strategy == MigStrategy::kSingle) {
      AddA100SingleInvalid(out);
    }
    if (machine == "dgx-a100-mig" && strategy == MigStrategy::kMixed) {
      AddA100Mixed(sharing, out);
    }
  }
  return out;
}

std::string DiffLabels(const LabelMap& want, const LabelMap& got) {
  std::string out;
  for (const auto& [key, value] : want) {
    auto it = got.find(key);
    if (it == got.end() || it->second != value) out += "-" + key + "=" + value + "\n";
  }
  for (const auto& [key, value] : got) {
    auto it = want.find(key);
    if (it == want.end() || it->second != value) out += "+" + key + "=" + value + "\n";
  }
  return out;
}

}  // namespace gpulet::labels::testing
