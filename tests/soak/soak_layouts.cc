#include "soak_layouts.h"

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/text_file.h"
#include "mock/nvml/machine_profile.h"

namespace gpulet::soak {
namespace {

constexpr int kRelaidGpus[] = {4, 7};

bool Relaid(int gpu) {
  for (int g : kRelaidGpus) {
    if (g == gpu) return true;
  }
  return false;
}

// The profile marks each GPU with a "  # GPU <n>" comment; the MIG device
// lines of the re-laid GPUs go and their list becomes empty.
std::string DestroyMigDevices(const std::string& yaml) {
  std::vector<std::string> out;
  int gpu = -1;
  for (absl::string_view line : absl::StrSplit(yaml, '\n')) {
    if (absl::StartsWith(line, "  # GPU ")) gpu = std::atoi(std::string(line.substr(8)).c_str());
    if (Relaid(gpu) && absl::StartsWith(line, "        - {gi:")) continue;
    if (Relaid(gpu) && line == "      devices:") {
      out.push_back("      devices: []");
      continue;
    }
    out.emplace_back(line);
  }
  return absl::StrJoin(out, "\n");
}

absl::StatusOr<Layout> MakeLayout(std::string yaml) {
  ASSIGN_OR_RETURN(mock::MachineProfile profile, mock::ParseMachineProfile(yaml, "soak"));
  Layout layout;
  layout.profile_yaml = std::move(yaml);
  for (size_t i = 0; i < profile.gpus.size(); ++i) {
    const mock::GpuProfile& gpu = profile.gpus[i];
    layout.gpu_uuids.push_back(gpu.uuid);
    layout.gpu_of[gpu.uuid] = static_cast<int>(i);
    for (const mock::MigDeviceProfile& mig : gpu.mig.devices) {
      layout.gpu_of[mig.uuid] = static_cast<int>(i);
      layout.mig_uuids.insert(mig.uuid);
    }
  }
  return layout;
}

}  // namespace

absl::StatusOr<std::vector<Layout>> SoakLayouts(const std::string& machines_dir) {
  ASSIGN_OR_RETURN(std::string shipped, ReadTextFile(machines_dir + "/dgx-a100-mig.yaml"));
  std::string relaid = DestroyMigDevices(shipped);
  if (relaid == shipped) {
    return absl::InvalidArgumentError("dgx-a100-mig.yaml: no MIG devices of GPUs 4 and 7 found");
  }
  std::vector<Layout> layouts;
  ASSIGN_OR_RETURN(layouts.emplace_back(), MakeLayout(shipped));
  ASSIGN_OR_RETURN(layouts.emplace_back(), MakeLayout(relaid));
  return layouts;
}

// GPUs 0 and 1 are whole GPUs (MIG off), 2, 3 and 6 keep their MIG
// devices; 5 has none and 4 and 7 lose theirs.
std::vector<int> StableGpus() { return {0, 1, 2, 3, 6}; }

}  // namespace gpulet::soak
