#include "mock/nvml/mig_layout.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace gpulet::mock {
namespace {

absl::StatusOr<bool> ParseMode(const YamlField& f) {
  ASSIGN_OR_RETURN(std::string mode, f.String());
  if (mode == "enabled") return true;
  if (mode == "disabled") return false;
  return f.Error(absl::StrCat("expected enabled or disabled, got \"", mode,
                              "\""));
}

// What one GPU instance occupies, collected over its compute instances.
struct GpuInstanceUse {
  const GpuInstanceProfileSpec* spec = nullptr;
  uint32_t start = 0;
  uint32_t compute_slices = 0;
};

absl::Status CheckPlacement(const YamlField& f, const GpuInstanceProfileSpec& s,
                            uint32_t start, uint32_t* used_slices) {
  bool valid = false;
  for (uint32_t v : s.placement_starts) valid = valid || v == start;
  if (!valid) {
    return f.Error(absl::StrCat("profile ", s.name, " cannot start at slice ",
                                start, " (valid: ",
                                absl::StrJoin(s.placement_starts, ", "), ")"));
  }
  const uint32_t mask = ((1u << s.placement_size) - 1) << start;
  if (*used_slices & mask) {
    return f.Error(absl::StrCat("placement at slice ", start,
                                " overlaps another GPU instance"));
  }
  *used_slices |= mask;
  return absl::OkStatus();
}

// The first start of `s` whose slices are all free.
absl::StatusOr<uint32_t> FirstFreeStart(const YamlField& f,
                                        const GpuInstanceProfileSpec& s,
                                        uint32_t used_slices) {
  for (uint32_t start : s.placement_starts) {
    const uint32_t mask = ((1u << s.placement_size) - 1) << start;
    if ((used_slices & mask) == 0) return start;
  }
  return f.Error(absl::StrCat("no free placement left for ", s.name));
}

absl::Status ParseDevice(const YamlField& f, const MigProfileTable& table,
                         absl::flat_hash_map<uint32_t, GpuInstanceUse>* gis,
                         uint32_t* used_slices, MigDeviceProfile* d) {
  RETURN_IF_ERROR(f.ExpectMap(
      {"gi", "ci", "profile", "compute_slices", "placement", "uuid"}));
  ASSIGN_OR_RETURN(d->gpu_instance_id, f["gi"].Uint(0xfffffffe));
  if (f["ci"].present()) {
    ASSIGN_OR_RETURN(d->compute_instance_id, f["ci"].Uint(0xfffffffe));
  }
  ASSIGN_OR_RETURN(d->profile, f["profile"].String());
  const GpuInstanceProfileSpec* spec = table.FindByName(d->profile);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& p : table.profiles) names.push_back(p.name);
    return f["profile"].Error(absl::StrCat(
        "unknown profile \"", d->profile, "\" for ", table.name,
        " (expected one of: ", absl::StrJoin(names, ", "), ")"));
  }
  d->compute_slices = spec->slices;
  if (f["compute_slices"].present()) {
    ASSIGN_OR_RETURN(d->compute_slices, f["compute_slices"].Uint(8));
    if (d->compute_slices == 0 || d->compute_slices > spec->slices ||
        ComputeInstanceProfileIndex(d->compute_slices) < 0) {
      return f["compute_slices"].Error(absl::StrCat(
          "a ", spec->name, " GPU instance has no compute instance of ",
          d->compute_slices, " slices"));
    }
  }
  ASSIGN_OR_RETURN(d->uuid, f["uuid"].Uuid("MIG-"));
  auto [it, fresh] = gis->try_emplace(d->gpu_instance_id);
  GpuInstanceUse& gi = it->second;
  if (fresh) {
    gi.spec = spec;
    if (f["placement"].present()) {
      ASSIGN_OR_RETURN(gi.start, f["placement"].Uint(7));
    } else {
      ASSIGN_OR_RETURN(gi.start,
                       FirstFreeStart(f["placement"], *spec, *used_slices));
    }
    RETURN_IF_ERROR(CheckPlacement(f["placement"], *spec, gi.start,
                                   used_slices));
  } else if (gi.spec != spec) {
    return f["profile"].Error(absl::StrCat(
        "GPU instance ", d->gpu_instance_id, " is a ", gi.spec->name,
        " instance"));
  }
  gi.compute_slices += d->compute_slices;
  if (gi.compute_slices > spec->slices) {
    return f["compute_slices"].Error(absl::StrCat(
        "compute instances exceed the ", spec->slices, " slices of GPU instance ",
        d->gpu_instance_id));
  }
  d->placement_start = gi.start;
  return absl::OkStatus();
}

absl::Status CheckCounts(const YamlField& f, const MigProfile& mig,
                         const absl::flat_hash_map<uint32_t, GpuInstanceUse>& gis) {
  absl::flat_hash_map<const GpuInstanceProfileSpec*, uint32_t> per_profile;
  for (const auto& [id, gi] : gis) {
    if (++per_profile[gi.spec] > gi.spec->instance_count) {
      return f.Error(absl::StrCat("more than ", gi.spec->instance_count, " ",
                                  gi.spec->name, " GPU instances"));
    }
  }
  for (size_t i = 0; i < mig.devices.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (mig.devices[i].gpu_instance_id == mig.devices[j].gpu_instance_id &&
          mig.devices[i].compute_instance_id ==
              mig.devices[j].compute_instance_id) {
        return f.At(i).Error(absl::StrCat(
            "duplicate MIG device gi ", mig.devices[i].gpu_instance_id, " ci ",
            mig.devices[i].compute_instance_id));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseDevices(const YamlField& f, MigProfile* mig) {
  RETURN_IF_ERROR(f.ExpectSequence());
  if (f.size() > 0 && !mig->current_enabled) {
    return f.Error("MIG devices on a GPU whose MIG mode is disabled");
  }
  absl::flat_hash_map<uint32_t, GpuInstanceUse> gis;
  uint32_t used_slices = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    MigDeviceProfile d;
    RETURN_IF_ERROR(ParseDevice(f.At(i), *mig->table, &gis, &used_slices, &d));
    mig->devices.push_back(std::move(d));
  }
  return CheckCounts(f, *mig, gis);
}

}  // namespace

absl::Status ParseMigLayout(const YamlField& f, MigProfile* mig) {
  RETURN_IF_ERROR(f.ExpectMap({"profiles", "mode", "pending_mode", "devices"}));
  mig->capable = true;
  ASSIGN_OR_RETURN(std::string table, f["profiles"].String());
  mig->table = FindMigProfileTable(table);
  if (mig->table == nullptr) {
    return f["profiles"].Error(absl::StrCat(
        "unknown MIG profile table \"", table,
        "\" (expected a100-40gb, a100-80gb or h100-80gb)"));
  }
  ASSIGN_OR_RETURN(mig->current_enabled, ParseMode(f["mode"]));
  mig->pending_enabled = mig->current_enabled;
  if (f["pending_mode"].present()) {
    ASSIGN_OR_RETURN(mig->pending_enabled, ParseMode(f["pending_mode"]));
  }
  if (f["devices"].present()) RETURN_IF_ERROR(ParseDevices(f["devices"], mig));
  return absl::OkStatus();
}

}  // namespace gpulet::mock
