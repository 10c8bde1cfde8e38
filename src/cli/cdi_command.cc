#include "cli/cdi_command.h"

#include <sys/utsname.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "cdi/spec_file.h"
#include "cdi/spec_format.h"
#include "cdi/spec_generator.h"
#include "cdi/spec_transform.h"
#include "cdi/spec_validator.h"
#include "cli/node_flags.h"
#include "config/go_values.h"
#include "config/node_options.h"
#include "inventory/node_source.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

using cdi::GenerateMode;
using cdi::SpecFormat;

// A string flag, or its environment variable when the flag was not given.
std::optional<std::string> FlagOrEnv(const CLI::Option* option, const std::string& value,
                                     const Environment& env, std::string_view var) {
  if (option->count() > 0) return value;
  return env.Get(var);
}

// A repeatable flag, or its environment variable, each value a list split
// at `separators` (paths also at ':'; names only at ',', as urfave/cli).
std::vector<std::string> ListOrEnv(const CLI::Option* option,
                                   const std::vector<std::string>& values,
                                   const Environment& env, std::string_view var,
                                   std::string_view separators = ",:") {
  std::vector<std::string> out;
  if (option->count() > 0) {
    for (const std::string& value : values) {
      std::vector<std::string> items = SplitSliceItems(value, separators);
      out.insert(out.end(), items.begin(), items.end());
    }
    return out;
  }
  if (std::optional<std::string> text = env.Get(var)) return SplitSliceItems(*text, separators);
  return out;
}

std::vector<std::string> EnvList(const Environment& env, std::string_view var) {
  std::vector<std::string> out;
  if (std::optional<std::string> text = env.Get(var)) {
    for (absl::string_view part : absl::StrSplit(*text, ':', absl::SkipEmpty())) {
      out.emplace_back(part);
    }
  }
  return out;
}

int Fail(std::string_view command, const absl::Status& status, int code = 1) {
  std::cerr << "gpulet cdi " << command << ": " << status.message() << "\n";
  return code;
}

struct GenerateFlags {
  std::unique_ptr<NodeFlagSet> node;
  std::string output, format, mode, hook_path, ldconfig_path, vendor, device_class;
  std::vector<std::string> strategies, library_paths, config_paths, disabled, enabled,
      device_ids, feature_flags;
  bool no_all_device = false;
  std::map<std::string, CLI::Option*> options;
};

absl::StatusOr<std::vector<cdi::DeviceNameStrategy>> ParseStrategies(
    const std::vector<std::string>& names) {
  std::vector<cdi::DeviceNameStrategy> out;
  for (const std::string& name : names) {
    if (name == "index") out.push_back(cdi::DeviceNameStrategy::kIndex);
    else if (name == "uuid") out.push_back(cdi::DeviceNameStrategy::kUuid);
    else if (name == "type-index") out.push_back(cdi::DeviceNameStrategy::kTypeIndex);
    else {
      return absl::InvalidArgumentError("--device-name-strategy \"" + name +
                                        "\" is not index, uuid or type-index");
    }
  }
  if (out.empty()) return std::vector{cdi::DeviceNameStrategy::kIndex, cdi::DeviceNameStrategy::kUuid};
  return out;
}

std::string KernelRelease() {
  struct utsname name;
  return uname(&name) == 0 ? std::string(name.release) : std::string();
}

}  // namespace

cdi::ExtrasOptions GeneratorExtras(const Environment& env) {
  cdi::ExtrasOptions extras;
  extras.binary_dirs = EnvList(env, "PATH");
  extras.xdg_data_dirs = EnvList(env, "XDG_DATA_DIRS");
  extras.kernel_release = KernelRelease();
  return extras;
}

namespace {

absl::StatusOr<cdi::GenerateOptions> ResolveGenerateOptions(const GenerateFlags& f,
                                                            const Environment& env) {
  cdi::GenerateOptions options;
  auto& o = f.options;
  if (auto v = FlagOrEnv(o.at("vendor"), f.vendor, env, "NVIDIA_CTK_CDI_GENERATE_VENDOR")) options.vendor = *v;
  if (auto v = FlagOrEnv(o.at("class"), f.device_class, env, "NVIDIA_CTK_CDI_GENERATE_CLASS")) options.device_class = *v;
  std::string mode = FlagOrEnv(o.at("mode"), f.mode, env, "NVIDIA_CTK_CDI_GENERATE_MODE").value_or("auto");
  if (mode == "management") options.mode = GenerateMode::kManagement;
  else if (mode != "auto" && mode != "nvml") {
    return absl::InvalidArgumentError("--mode \"" + mode + "\" is not auto, nvml or management");
  }
  // Names split only at ',' (a MIG device ID is "0:1").
  auto names = [&](const char* key, const std::vector<std::string>& values, std::string_view var) {
    return ListOrEnv(o.at(key), values, env, var, ",");
  };
  ASSIGN_OR_RETURN(options.name_strategies,
                   ParseStrategies(names("strategy", f.strategies,
                                         "NVIDIA_CTK_CDI_GENERATE_DEVICE_NAME_STRATEGIES")));
  options.device_ids = names("device-id", f.device_ids, "NVIDIA_CTK_CDI_GENERATE_DEVICE_IDS");
  if (options.device_ids == std::vector<std::string>{"all"}) options.device_ids.clear();
  options.all_device = !(f.no_all_device || env.Get("NVIDIA_CTK_CDI_GENERATE_NO_ALL_DEVICE") == "true");
  options.library_search_paths = ListOrEnv(o.at("library"), f.library_paths, env, "NVIDIA_CTK_CDI_GENERATE_LIBRARY_SEARCH_PATHS");
  options.extras = GeneratorExtras(env);
  options.extras.config_search_paths = ListOrEnv(o.at("config"), f.config_paths, env, "NVIDIA_CTK_CDI_GENERATE_CONFIG_SEARCH_PATHS");
  if (auto v = FlagOrEnv(o.at("hook"), f.hook_path, env, "NVIDIA_CTK_CDI_HOOK_PATH")) options.hook_path = *v;
  if (auto v = FlagOrEnv(o.at("ldconfig"), f.ldconfig_path, env, "NVIDIA_CTK_CDI_GENERATE_LDCONFIG_PATH")) options.ldconfig_path = *v;
  std::vector<std::string> ignored;
  ASSIGN_OR_RETURN(options.hooks,
                   cdi::HookSet::Create(
                       names("disable", f.disabled, "NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS"),
                       names("enable", f.enabled, "NVIDIA_CTK_CDI_GENERATE_ENABLED_HOOKS"),
                       &ignored));
  options.features = cdi::FeatureFlags::Parse(
      names("feature", f.feature_flags, "NVIDIA_CTK_CDI_GENERATE_FEATURE_FLAGS"), &ignored);
  for (const std::string& line : ignored) spdlog::warn("{}", line);
  return options;
}

// NVIDIA_CTK_DRIVER_ROOT / NVIDIA_CTK_DEV_ROOT take the place of the node
// flags' own variables, as in nvidia-ctk.
NodeFlags CdiNodeFlags(const NodeFlagSet& set, const Environment& env) {
  NodeFlags flags = set.Parsed();
  if (!flags.driver_root) flags.driver_root = env.Get("NVIDIA_CTK_DRIVER_ROOT");
  if (!flags.dev_root) flags.dev_root = env.Get("NVIDIA_CTK_DEV_ROOT");
  return flags;
}

absl::StatusOr<cdi::GeneratedSpec> Generate(const NodeOptions& node,
                                            const cdi::GenerateOptions& options) {
  if (options.mode == GenerateMode::kManagement) {
    ASSIGN_OR_RETURN(hostfs::HostFs host, inventory::NodeSource::OpenHost(node));
    return cdi::GenerateSpec(host, nullptr, options);
  }
  ASSIGN_OR_RETURN(inventory::NodeSource source, inventory::NodeSource::Open(node));
  ASSIGN_OR_RETURN(std::shared_ptr<const inventory::Inventory> snapshot, source.Snapshot());
  return cdi::GenerateSpec(source.host(), snapshot.get(), options);
}

// Output path and format as nvidia-ctk picks them: an explicit --format
// wins, else the extension; a name without a known extension gets one.
absl::StatusOr<std::pair<std::string, SpecFormat>> OutputTarget(const GenerateFlags& f,
                                                                const Environment& env) {
  std::string path = FlagOrEnv(f.options.at("output"), f.output, env, "NVIDIA_CTK_CDI_OUTPUT_FILE_PATH").value_or("");
  std::optional<std::string> format_name =
      FlagOrEnv(f.options.at("format"), f.format, env, "NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT");
  std::optional<SpecFormat> from_path = cdi::FormatOfPath(path);
  SpecFormat format = from_path.value_or(SpecFormat::kYaml);
  if (format_name.has_value()) {
    ASSIGN_OR_RETURN(format, cdi::ParseSpecFormat(*format_name));
    if (from_path.has_value() && *from_path != format) {
      spdlog::warn("--format {} does not match the extension of {}", *format_name, path);
    }
  }
  if (!path.empty() && !from_path.has_value()) {
    path += format == SpecFormat::kJson ? ".json" : ".yaml";
  }
  return std::make_pair(path, format);
}

int RunGenerate(const GenerateFlags& flags, const Environment& env) {
  absl::StatusOr<NodeOptions> node = ResolveNodeOptions(CdiNodeFlags(*flags.node, env), env);
  if (!node.ok()) return Fail("generate", node.status(), 2);
  absl::StatusOr<cdi::GenerateOptions> options = ResolveGenerateOptions(flags, env);
  if (!options.ok()) return Fail("generate", options.status(), 2);
  absl::StatusOr<std::pair<std::string, SpecFormat>> target = OutputTarget(flags, env);
  if (!target.ok()) return Fail("generate", target.status(), 2);
  absl::StatusOr<cdi::GeneratedSpec> generated = Generate(*node, *options);
  if (!generated.ok()) return Fail("generate", generated.status());
  for (const std::string& warning : generated->warnings) spdlog::warn("{}", warning);
  const auto& [path, format] = *target;
  if (path.empty()) {
    std::cout << cdi::FormatSpec(generated->spec, format);
    return 0;
  }
  if (absl::Status written = cdi::WriteSpecFile(path, generated->spec, format); !written.ok()) {
    return Fail("generate", written);
  }
  spdlog::info("Generated CDI spec {} with cdiVersion {}", path, generated->spec.version);
  return 0;
}

void AddGenerate(CLI::App& cdi, const CommandContext& context, CommandRunner& runner) {
  CLI::App* sub = cdi.add_subcommand("generate", "generate the CDI spec of this node's GPUs");
  auto f = std::make_shared<GenerateFlags>();
  f->node = std::make_unique<NodeFlagSet>(*sub);
  auto& o = f->options;
  o["output"] = sub->add_option("--output", f->output, "output file (env NVIDIA_CTK_CDI_OUTPUT_FILE_PATH; default stdout)");
  o["format"] = sub->add_option("--format", f->format, "json or yaml (env NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT; default yaml)");
  o["mode"] = sub->add_option("--mode,--discovery-mode", f->mode, "auto, nvml or management (env NVIDIA_CTK_CDI_GENERATE_MODE)");
  o["strategy"] = sub->add_option("--device-name-strategy", f->strategies, "index, uuid, type-index; repeatable (default index and uuid)");
  o["library"] = sub->add_option("--library-search-path", f->library_paths, "host dirs replacing the standard library search");
  o["config"] = sub->add_option("--config-search-path", f->config_paths, "host dirs searched for EGL/Vulkan/OpenCL config files");
  o["hook"] = sub->add_option("--nvidia-cdi-hook-path,--nvidia-ctk-path", f->hook_path, "hook binary written into the spec (env NVIDIA_CTK_CDI_HOOK_PATH)");
  o["ldconfig"] = sub->add_option("--ldconfig-path", f->ldconfig_path, "ldconfig for the update-ldcache hook");
  o["vendor"] = sub->add_option("--vendor,--cdi-vendor", f->vendor, "CDI vendor (default nvidia.com)");
  o["class"] = sub->add_option("--class,--cdi-class", f->device_class, "CDI class (default gpu)");
  o["disable"] = sub->add_option("--disable-hook,--disable-hooks", f->disabled,
                                 "hooks to leave out, repeatable or comma-separated; all for every "
                                 "hook (env NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS)");
  o["enable"] = sub->add_option("--enable-hook,--enable-hooks", f->enabled,
                                "hooks to keep even when disabled, e.g. chmod "
                                "(env NVIDIA_CTK_CDI_GENERATE_ENABLED_HOOKS)");
  o["device-id"] = sub->add_option("--device-id,--device-ids,--device,--devices", f->device_ids, "GPU index, UUID or MIG i:j to include (default all)");
  o["feature"] = sub->add_option("--feature-flag,--feature-flags", f->feature_flags,
                                 "e.g. no-additional-gids-for-device-nodes, disable-ipc-discoverer "
                                 "(env NVIDIA_CTK_CDI_GENERATE_FEATURE_FLAGS)");
  sub->add_flag("--no-all-device", f->no_all_device, "do not add the \"all\" device");
  const Environment* env = context.environment;
  sub->callback([&runner, f, env] { runner = [f, env] { return RunGenerate(*f, *env); }; });
}

int RunList(const std::vector<std::string>& dirs) {
  cdi::SpecDirListing listing = cdi::ListSpecDirs(dirs);
  for (const std::string& problem : listing.problems) spdlog::warn("{}", problem);
  spdlog::info("Found {} CDI devices", listing.devices.size());
  for (const cdi::QualifiedDevice& device : listing.devices) std::cout << device.name << "\n";
  return 0;
}

void AddList(CLI::App& cdi, const CommandContext& context, CommandRunner& runner) {
  CLI::App* sub = cdi.add_subcommand("list", "list the CDI devices runtimes can see");
  auto dirs = std::make_shared<std::vector<std::string>>();
  CLI::Option* option = sub->add_option("--spec-dir", *dirs,
                                        "spec dirs, lowest priority first (env NVIDIA_CTK_CDI_SPEC_DIRS; "
                                        "default /etc/cdi, /var/run/cdi)");
  const Environment* env = context.environment;
  sub->callback([&runner, dirs, option, env] {
    runner = [dirs, option, env] {
      std::vector<std::string> chosen = ListOrEnv(option, *dirs, *env, "NVIDIA_CTK_CDI_SPEC_DIRS");
      if (chosen.empty()) chosen.assign(std::begin(cdi::kDefaultSpecDirs), std::end(cdi::kDefaultSpecDirs));
      return RunList(chosen);
    };
  });
}

int RunValidate(const std::vector<std::string>& files) {
  int code = 0;
  for (const std::string& file : files) {
    absl::StatusOr<cdi::Spec> spec = cdi::LoadSpecFile(file);
    absl::Status valid = spec.ok() ? cdi::ValidateSpec(*spec) : spec.status();
    if (!valid.ok()) {
      std::cerr << (spec.ok() ? file + ": " : "") << valid.message() << "\n";
      code = 1;
      continue;
    }
    std::cout << file << ": valid, cdiVersion " << spec->version << ", kind " << spec->kind
              << ", " << spec->devices.size() << " devices\n";
  }
  return code;
}

void AddValidate(CLI::App& cdi, CommandRunner& runner) {
  CLI::App* sub = cdi.add_subcommand("validate", "check spec files as container runtimes do");
  auto files = std::make_shared<std::vector<std::string>>();
  sub->add_option("files", *files, "spec files (.json, .yaml)")->required();
  sub->callback([&runner, files] { runner = [files] { return RunValidate(*files); }; });
}

struct TransformFlags {
  std::string from, to, input = "-", output, relative_to = "host";
};

absl::StatusOr<std::string> ReadInput(const std::string& input) {
  if (input == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream file(input, std::ios::binary);
  if (!file) return absl::NotFoundError("cannot read --input \"" + input + "\"");
  return std::string(std::istreambuf_iterator<char>(file), {});
}

int RunTransform(const TransformFlags& f) {
  if (f.relative_to != "host" && f.relative_to != "container") {
    return Fail("transform root", absl::InvalidArgumentError(
                                      "--relative-to \"" + f.relative_to + "\" is not host or container"), 2);
  }
  absl::StatusOr<std::string> text = ReadInput(f.input);
  if (!text.ok()) return Fail("transform root", text.status());
  SpecFormat in_format = cdi::FormatOfPath(f.input).value_or(
      text->find_first_not_of(" \t\n") != std::string::npos &&
              (*text)[text->find_first_not_of(" \t\n")] == '{'
          ? SpecFormat::kJson : SpecFormat::kYaml);
  absl::StatusOr<cdi::Spec> spec = cdi::ParseSpec(*text, in_format);
  if (!spec.ok()) return Fail("transform root", spec.status());
  absl::Status transformed = cdi::TransformRoot(
      *spec, f.from, f.to,
      f.relative_to == "host" ? cdi::TransformTarget::kHost : cdi::TransformTarget::kContainer);
  if (!transformed.ok()) return Fail("transform root", transformed, 2);
  SpecFormat out_format = cdi::FormatOfPath(f.output).value_or(in_format);
  if (f.output.empty() || f.output == "-") {
    std::cout << cdi::FormatSpec(*spec, out_format);
    return 0;
  }
  absl::Status written = cdi::WriteSpecFile(f.output, *spec, out_format);
  return written.ok() ? 0 : Fail("transform root", written);
}

void AddTransform(CLI::App& cdi, CommandRunner& runner) {
  CLI::App* transform = cdi.add_subcommand("transform", "rewrite a spec");
  transform->require_subcommand(1);
  CLI::App* root = transform->add_subcommand("root", "replace a path root in a spec");
  auto f = std::make_shared<TransformFlags>();
  root->add_option("--from", f->from, "root to replace")->required();
  root->add_option("--to", f->to, "replacement root")->required();
  root->add_option("--input", f->input, "spec file; - for stdin")->capture_default_str();
  root->add_option("--output", f->output, "spec file (written atomically); default stdout");
  root->add_option("--relative-to", f->relative_to, "host or container paths")->capture_default_str();
  root->callback([&runner, f] { runner = [f] { return RunTransform(*f); }; });
}

}  // namespace

void AddCdiCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner) {
  CLI::App* cdi = app.add_subcommand("cdi", "generate, list, validate and transform CDI specs");
  cdi->require_subcommand(1);
  AddGenerate(*cdi, context, runner);
  AddList(*cdi, context, runner);
  AddValidate(*cdi, runner);
  AddTransform(*cdi, runner);
}

}  // namespace gpulet::cli
