#include "plugin/cdi_spec_writer.h"

#include "absl/strings/str_cat.h"
#include "allocation/allocator.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "base/text_file.h"
#include "cdi/spec_file.h"
#include "cdi/spec_format.h"
#include "cdi/spec_generator.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

// `file` in `spec_dir`, with the directory's trailing slashes dropped.
std::string InSpecDir(std::string_view spec_dir, std::string_view file) {
  std::string dir(spec_dir);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return absl::StrCat(dir, dir == "/" ? "" : "/", AsAbsl(file));
}

}  // namespace

std::string PluginCdiSpecPath(std::string_view spec_dir) {
  return InSpecDir(spec_dir, absl::StrCat(AsAbsl(allocation::kCdiVendor), "-",
                                          AsAbsl(kPluginCdiClass), ".json"));
}

std::string NodeCdiSpecPath(std::string_view spec_dir) {
  return InSpecDir(spec_dir, "nvidia.yaml");
}

namespace {

absl::StatusOr<cdi::GeneratedSpec> GenerateWriterSpec(const hostfs::HostFs& host,
                                                      const inventory::Inventory& inventory,
                                                      const CdiSpecOptions& options,
                                                      const cdi::ExtrasOptions& extras,
                                                      const std::string& vendor,
                                                      bool node_names) {
  cdi::GenerateOptions generate;
  generate.vendor = vendor;
  generate.device_class = std::string(kPluginCdiClass);
  if (node_names) {
    generate.name_strategies = {cdi::DeviceNameStrategy::kIndex, cdi::DeviceNameStrategy::kUuid};
  } else {
    generate.name_strategies = {options.index_names ? cdi::DeviceNameStrategy::kIndex
                                                    : cdi::DeviceNameStrategy::kUuid};
  }
  generate.hook_path = options.hook_path;
  generate.extras = extras;
  std::vector<std::string> ignored;
  ASSIGN_OR_RETURN(generate.hooks, cdi::HookSet::Create(options.disabled_hooks, {}, &ignored));
  generate.features = cdi::FeatureFlags::Parse(options.feature_flags, &ignored);
  ASSIGN_OR_RETURN(cdi::GeneratedSpec generated, cdi::GenerateSpec(host, &inventory, generate));
  generated.warnings.insert(generated.warnings.begin(), ignored.begin(), ignored.end());
  return generated;
}

}  // namespace

absl::StatusOr<cdi::GeneratedSpec> GeneratePluginSpec(const hostfs::HostFs& host,
                                                      const inventory::Inventory& inventory,
                                                      const CdiSpecOptions& options,
                                                      const cdi::ExtrasOptions& extras) {
  return GenerateWriterSpec(host, inventory, options, extras,
                            std::string(allocation::kCdiVendor), /*node_names=*/false);
}

CdiSpecWriter::CdiSpecWriter(std::string spec_dir, cdi::ExtrasOptions extras)
    : CdiSpecWriter(Target{PluginCdiSpecPath(spec_dir), std::string(allocation::kCdiVendor)},
                    std::move(extras)) {}

CdiSpecWriter::CdiSpecWriter(Target target, cdi::ExtrasOptions extras)
    : target_(std::move(target)),
      path_(target_.path),
      extras_(std::move(extras)),
      devices_(std::make_shared<const CdiDeviceNames>()) {}

std::unique_ptr<CdiSpecWriter> CdiSpecWriter::ForNode(std::string spec_dir,
                                                      cdi::ExtrasOptions extras) {
  return std::unique_ptr<CdiSpecWriter>(new CdiSpecWriter(
      Target{NodeCdiSpecPath(spec_dir), "nvidia.com", /*node_names=*/true}, std::move(extras)));
}

absl::StatusOr<bool> CdiSpecWriter::Update(const hostfs::HostFs& host,
                                           const inventory::Inventory& inventory,
                                           const CdiSpecOptions& options) {
  ASSIGN_OR_RETURN(cdi::GeneratedSpec generated,
                   GenerateWriterSpec(host, inventory, options, extras_, target_.vendor,
                                      target_.node_names));
  const cdi::SpecFormat format =
      target_.node_names ? cdi::SpecFormat::kYaml : cdi::SpecFormat::kJson;
  auto names = std::make_shared<CdiDeviceNames>();
  for (const cdi::Device& device : generated.spec.devices) {
    names->insert(absl::StrCat(generated.spec.kind, "=", device.name));
  }
  // A file that cannot be read is written.
  bool write = cdi::FormatSpec(generated.spec, format) != ReadTextFile(path_).value_or("");
  if (write) {
    for (const std::string& warning : generated.warnings) spdlog::warn("CDI spec: {}", warning);
    RETURN_IF_ERROR(cdi::WriteSpecFile(path_, generated.spec, format));
    spdlog::info("Wrote CDI spec {} with {} devices", path_, names->size());
  }
  std::lock_guard<std::mutex> lock(mu_);
  devices_ = std::move(names);
  return write;
}

std::shared_ptr<const CdiDeviceNames> CdiSpecWriter::Devices() const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_;
}

}  // namespace gpulet::plugin
