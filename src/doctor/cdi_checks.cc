#include "doctor/cdi_checks.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cdi/spec_file.h"
#include "cdi/spec_format.h"
#include "cdi/spec_generator.h"
#include "cdi/spec_validator.h"
#include "plugin/cdi_spec_writer.h"
#include "plugin/node_resource_source.h"

namespace gpulet::doctor {
namespace {

std::set<std::string> QualifiedNames(const cdi::Spec& spec) {
  std::set<std::string> names;
  for (const cdi::Device& device : spec.devices) names.insert(spec.kind + "=" + device.name);
  return names;
}

// Up to three of `names`, then "...".
std::string Some(const std::vector<std::string>& names) {
  std::vector<std::string> head(names.begin(), names.begin() + std::min<size_t>(3, names.size()));
  return absl::StrJoin(head, ", ") + (names.size() > 3 ? ", ..." : "");
}

// The nvidia.com/gpu spec of `gpulet cdi generate`; its names, or nullopt.
std::optional<std::set<std::string>> CheckGeneratedSpec(const CdiInputs& in, Section& section) {
  cdi::GenerateOptions options;
  options.extras = in.extras;
  absl::StatusOr<cdi::GeneratedSpec> generated = cdi::GenerateSpec(*in.host, in.inventory, options);
  if (!generated.ok()) {
    section.Problem(absl::StrCat("`gpulet cdi generate` fails: ", generated.status().message()),
                    "check --driver-root: the generator reads the driver's libraries there",
                    false);
    return std::nullopt;
  }
  absl::Status valid = cdi::ValidateSpec(generated->spec);
  if (!valid.ok()) {
    section.Problem(absl::StrCat("the generated spec is invalid: ", valid.message()),
                    "report it: runtimes would refuse this spec", false);
    return std::nullopt;
  }
  std::set<std::string> names = QualifiedNames(generated->spec);
  section.facts["generated_kind"] = generated->spec.kind;
  section.facts["generated_devices"] = names.size();
  Finding& ok = section.Ok(absl::StrCat(generated->spec.kind, " spec for this node: ", names.size(),
                                        " devices, valid (cdiVersion ", generated->spec.version,
                                        ")"));
  ok.details = generated->warnings;
  return names;
}

// What runtimes would read from the spec directories.
void CheckSpecDirs(const CdiInputs& in, const std::optional<std::set<std::string>>& generated,
                   Section& section) {
  std::vector<std::string> dirs = {"/etc/cdi", in.spec_dir};
  if (dirs[1] == dirs[0]) dirs.pop_back();
  std::vector<std::string> agent_dirs;
  for (const std::string& dir : dirs) agent_dirs.push_back(in.host->view().ToAgentPath(dir));
  cdi::SpecDirListing listing = cdi::ListSpecDirs(agent_dirs);
  section.facts["spec_dirs"] = dirs;
  section.facts["devices_on_disk"] = listing.devices.size();
  for (const std::string& problem : listing.problems) {
    section.Problem(absl::StrCat("runtimes refuse ", problem),
                    "regenerate the file (`gpulet cdi generate --output FILE`) or delete it", false);
  }
  std::set<std::string> on_disk;
  for (const cdi::QualifiedDevice& device : listing.devices) on_disk.insert(device.name);
  if (!generated.has_value()) return;
  std::vector<std::string> missing;
  bool any_vendor_spec = false;
  for (const std::string& name : on_disk) any_vendor_spec |= name.starts_with("nvidia.com/gpu=");
  for (const std::string& name : *generated) {
    if (!on_disk.contains(name)) missing.push_back(name);
  }
  if (!any_vendor_spec) {
    section.Note(absl::StrCat("no nvidia.com/gpu spec in ", absl::StrJoin(dirs, " or "),
                              " (only workloads that name CDI devices directly need one)"));
  } else if (!missing.empty()) {
    section.Warn(absl::StrCat(missing.size(), " devices of this node are not in the nvidia.com/gpu "
                              "specs on disk: ", Some(missing)),
                 "regenerate: `gpulet cdi generate --output /var/run/cdi/nvidia.yaml`");
  } else {
    section.Ok(absl::StrCat("the nvidia.com/gpu specs on disk list every device of this node"));
  }
}

// The spec file the device plugin keeps under a cdi-* strategy.
void CheckPluginSpec(const CdiInputs& in, Section& section) {
  absl::StatusOr<cdi::GeneratedSpec> generated = plugin::GeneratePluginSpec(
      *in.host, *in.inventory, plugin::ToCdiSpecOptions(*in.config), in.extras);
  absl::Status valid = generated.ok() ? cdi::ValidateSpec(generated->spec) : generated.status();
  if (!valid.ok()) {
    section.Problem(absl::StrCat("the device plugin cannot make its CDI spec: ", valid.message()),
                    "check --driver-root and --nvidia-cdi-hook-path; the plugin serves nothing "
                    "without its spec",
                    true);
    return;
  }
  const std::string path = plugin::PluginCdiSpecPath(in.spec_dir);
  section.facts["plugin_spec"] = path;
  std::set<std::string> names = QualifiedNames(generated->spec);
  absl::StatusOr<std::string> text = in.host->view().ReadFile(path);
  if (!text.ok()) {
    section.Warn(absl::StrCat("no plugin spec ", path, " yet: the device plugin writes it when it "
                              "starts"),
                 "if the plugin runs, check that its --cdi-spec-dir is this directory");
    return;
  }
  absl::StatusOr<cdi::Spec> spec = cdi::ParseSpec(*text, cdi::SpecFormat::kJson);
  absl::Status on_disk_valid = spec.ok() ? cdi::ValidateSpec(*spec) : spec.status();
  if (!on_disk_valid.ok()) {
    section.Problem(absl::StrCat(path, ": runtimes refuse it: ", on_disk_valid.message()),
                    "delete it and restart the device plugin, which rewrites it", false);
    return;
  }
  std::set<std::string> on_disk = QualifiedNames(*spec);
  std::vector<std::string> missing;
  for (const std::string& name : names) {
    if (!on_disk.contains(name)) missing.push_back(name);
  }
  if (missing.empty()) {
    section.Ok(absl::StrCat(path, " lists all ", names.size(), " devices the plugin hands out"));
    return;
  }
  section.Problem(absl::StrCat(path, " lacks ", missing.size(),
                               " devices the plugin would hand out (\"CDI device not found\"): ",
                               Some(missing)),
                  "restart the device plugin (it rewrites the spec at start and on every rescan)",
                  false);
}

}  // namespace

bool NeedsRuntimeCdi(const Config& config) {
  for (DeviceListStrategy s : config.plugin.device_list_strategies) {
    if (s == DeviceListStrategy::kCdiAnnotations || s == DeviceListStrategy::kCdiCri) return true;
  }
  return false;
}

void CheckCdi(const CdiInputs& in, DoctorReport& report) {
  Section& section = report.AddSection("cdi", "CDI");
  std::optional<std::set<std::string>> generated = CheckGeneratedSpec(in, section);
  CheckSpecDirs(in, generated, section);
  if (in.config == nullptr) return;
  if (!NeedsRuntimeCdi(*in.config)) {
    section.Note("the device plugin hands out no CDI names (no cdi-* device list strategy)");
    return;
  }
  CheckPluginSpec(in, section);
}

}  // namespace gpulet::doctor
