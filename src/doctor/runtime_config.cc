#include "doctor/runtime_config.h"

#include "absl/strings/str_cat.h"

namespace gpulet::doctor {
namespace {

const std::vector<std::string> kDefaultSpecDirs = {"/etc/cdi", "/var/run/cdi"};

int ConfigVersion(const TomlKeys& keys) {
  const TomlValue* version = FindToml(keys, {"version"});
  if (version == nullptr || version->kind != TomlValue::Kind::kOther) return 1;
  return version->text == "3" ? 3 : version->text == "2" ? 2 : 1;
}

// "[plugins.\"io.containerd.grpc.v1.cri\"]".
std::string SectionName(const TomlPath& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    bool quote = path[i].find('.') != std::string::npos;
    absl::StrAppend(&out, i == 0 ? "" : ".", quote ? "\"" : "", path[i], quote ? "\"" : "");
  }
  return out + "]";
}

TomlPath Join(TomlPath base, std::initializer_list<std::string> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

std::vector<std::string> SpecDirs(const TomlKeys& keys, const TomlPath& section) {
  const TomlValue* dirs = FindToml(keys, Join(section, {"cdi_spec_dirs"}));
  if (dirs == nullptr || dirs->kind != TomlValue::Kind::kArray) return kDefaultSpecDirs;
  return dirs->items;
}

// Whether any key lies under `prefix`.
bool HasTable(const TomlKeys& keys, const TomlPath& prefix) {
  auto it = keys.lower_bound(prefix);
  return it != keys.end() && it->first.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), it->first.begin());
}

}  // namespace

RuntimeCdi ContainerdCdi(const TomlKeys& keys) {
  const int version = ConfigVersion(keys);
  const TomlPath cri = version == 3   ? TomlPath{"plugins", "io.containerd.cri.v1.runtime"}
                       : version == 2 ? TomlPath{"plugins", "io.containerd.grpc.v1.cri"}
                                      : TomlPath{"plugins", "cri"};
  RuntimeCdi out;
  out.spec_dirs = SpecDirs(keys, cri);
  const TomlValue* enable = FindToml(keys, Join(cri, {"enable_cdi"}));
  const std::string where = absl::StrCat("enable_cdi in ", SectionName(cri));
  if (enable != nullptr && enable->kind == TomlValue::Kind::kBool) {
    out.state = enable->text == "true" ? CdiState::kOn : CdiState::kOff;
    out.why = absl::StrCat(where, " is ", enable->text);
  } else if (version == 3) {
    out.state = CdiState::kOn;
    out.why = absl::StrCat("config version 3 (containerd 2.x), ", where, " unset: on by default");
  } else if (version == 2) {
    out.why = absl::StrCat(where, " unset: off on containerd 1.7, on once containerd 2.x "
                                  "migrates this version 2 config");
  } else {
    out.state = CdiState::kOff;
    out.why = absl::StrCat("config version 1, ", where, " unset: off");
  }
  const TomlPath containerd = Join(cri, {"containerd"});
  if (const TomlValue* name = FindToml(keys, Join(containerd, {"default_runtime_name"}))) {
    out.default_runtime = name->text;
  }
  out.nvidia_runtime = HasTable(keys, Join(containerd, {"runtimes", "nvidia"}));
  return out;
}

std::vector<std::string> ContainerdImports(const TomlKeys& keys) {
  const TomlValue* imports = FindToml(keys, {"imports"});
  if (imports == nullptr || imports->kind != TomlValue::Kind::kArray) return {};
  return imports->items;
}

RuntimeCdi CrioCdi(const TomlKeys& keys) {
  const TomlPath runtime = {"crio", "runtime"};
  RuntimeCdi out;
  out.state = CdiState::kOn;
  out.why = "CRI-O 1.23 and later always read CDI specs";
  out.spec_dirs = SpecDirs(keys, runtime);
  const TomlValue* name = FindToml(keys, Join(runtime, {"default_runtime"}));
  out.default_runtime = name != nullptr ? name->text : "";
  out.nvidia_runtime = HasTable(keys, Join(runtime, {"runtimes", "nvidia"}));
  return out;
}

}  // namespace gpulet::doctor
