#include "doctor/runtime_checks.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "doctor/runtime_config.h"

namespace gpulet::doctor {
namespace {

absl::StatusOr<TomlKeys> ReadToml(const hostfs::HostView& host, const std::string& path) {
  absl::StatusOr<std::string> text = host.ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<TomlKeys> keys = ParseTomlKeys(*text);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", keys.status().message()));
  }
  return keys;
}

// `pattern` itself, or the files its last component's '*' matches.
std::vector<std::string> Expand(const hostfs::HostView& host, const std::string& pattern) {
  std::filesystem::path p(pattern);
  std::string name = p.filename().string();
  size_t star = name.find('*');
  if (star == std::string::npos) return {pattern};
  std::string prefix = name.substr(0, star), suffix = name.substr(star + 1);
  std::vector<std::string> out;
  absl::StatusOr<std::vector<std::string>> entries = host.ListDirectory(p.parent_path().string());
  if (!entries.ok()) return out;
  for (const std::string& entry : *entries) {
    if (entry.size() >= prefix.size() + suffix.size() && entry.starts_with(prefix) &&
        entry.ends_with(suffix)) {
      out.push_back((p.parent_path() / entry).string());
    }
  }
  return out;
}

const char* kContainerdFix =
    "set enable_cdi = true in the CRI section (cdi_spec_dirs to include the plugin's "
    "--cdi-spec-dir) and restart containerd, or run `nvidia-ctk runtime configure "
    "--runtime=containerd --cdi.enabled`";

void ReportCdi(const std::string& runtime, const RuntimeCdi& cdi, const RuntimeInputs& in,
               Section& section) {
  bool reads_dir = std::find(cdi.spec_dirs.begin(), cdi.spec_dirs.end(), in.spec_dir) !=
                   cdi.spec_dirs.end();
  std::string dirs = absl::StrJoin(cdi.spec_dirs, ", ");
  if (cdi.state == CdiState::kOn && reads_dir) {
    section.Ok(absl::StrCat(runtime, " resolves CDI devices from ", dirs)).details = {cdi.why};
  } else if (cdi.state == CdiState::kOn) {
    std::string text = absl::StrCat(runtime, " reads CDI specs from ", dirs, ", not from ",
                                    in.spec_dir, " where the device plugin writes its spec");
    if (in.needs_cdi) {
      section.Problem(text, absl::StrCat("add ", in.spec_dir, " to cdi_spec_dirs and restart ",
                                         runtime), true);
    } else {
      section.Note(text);
    }
  } else if (!in.needs_cdi) {
    section.Note(absl::StrCat(runtime, ": CDI ", cdi.state == CdiState::kOff ? "off" : "unknown",
                              " (", cdi.why, "); the device list strategy does not need it"));
  } else if (cdi.state == CdiState::kOff) {
    section.Problem(absl::StrCat(runtime, " has CDI off (", cdi.why,
                                 "): containers fail with \"CDI device not found\""),
                    kContainerdFix, true);
  } else {
    section.Warn(absl::StrCat(runtime, ": CDI may be off (", cdi.why, ")"), kContainerdFix);
  }
}

// With the envvar strategy the NVIDIA runtime turns NVIDIA_VISIBLE_DEVICES
// into devices; without it the variable does nothing.
void ReportNvidiaRuntime(const std::string& runtime, const RuntimeCdi& cdi,
                         const RuntimeInputs& in, Section& section) {
  if (in.needs_cdi) return;
  if (cdi.default_runtime == "nvidia") {
    section.Ok(absl::StrCat(runtime, ": the default runtime is nvidia"));
  } else if (cdi.nvidia_runtime) {
    section.Note(absl::StrCat(runtime, ": an nvidia runtime is configured but the default is ",
                              cdi.default_runtime.empty() ? "runc" : cdi.default_runtime,
                              "; GPU pods need runtimeClassName: nvidia"));
  } else {
    section.Warn(absl::StrCat(runtime, ": no nvidia runtime configured; NVIDIA_VISIBLE_DEVICES "
                              "from the device plugin gives containers no GPU"),
                 absl::StrCat("install nvidia-container-toolkit and run `nvidia-ctk runtime "
                              "configure --runtime=", runtime == "CRI-O" ? "crio" : "containerd",
                              " --set-as-default`, or use a cdi-* device list strategy"));
  }
}

// Reads one runtime's config; false when it has none.
bool CheckOne(const std::string& runtime, const std::string& path, bool containerd,
              const RuntimeInputs& in, const hostfs::HostView& host, Section& section) {
  absl::StatusOr<TomlKeys> keys = ReadToml(host, path);
  if (absl::IsNotFound(keys.status())) return false;
  section.facts[containerd ? "containerd_config" : "crio_config"] = path;
  if (keys.ok()) {
    std::vector<std::string> more;
    if (containerd) {
      more = ContainerdImports(*keys);
    } else {
      more = {path + ".d/*.conf"};
    }
    keys = ReadTomlFiles(host, path, more);
  }
  if (!keys.ok()) {
    section.Problem(absl::StrCat(runtime, " config unreadable: ", keys.status().message()),
                    absl::StrCat("correct the file; ", runtime, " refuses a malformed config too"),
                    false);
    return true;
  }
  RuntimeCdi cdi = containerd ? ContainerdCdi(*keys) : CrioCdi(*keys);
  section.facts[containerd ? "containerd_cdi" : "crio_cdi"] =
      cdi.state == CdiState::kOn ? "on" : cdi.state == CdiState::kOff ? "off" : "unknown";
  ReportCdi(runtime, cdi, in, section);
  ReportNvidiaRuntime(runtime, cdi, in, section);
  return true;
}

}  // namespace

absl::StatusOr<TomlKeys> ReadTomlFiles(const hostfs::HostView& host, const std::string& path,
                                       const std::vector<std::string>& more) {
  absl::StatusOr<TomlKeys> keys = ReadToml(host, path);
  if (!keys.ok()) return keys.status();
  for (const std::string& pattern : more) {
    for (const std::string& file : Expand(host, pattern)) {
      absl::StatusOr<TomlKeys> extra = ReadToml(host, file);
      if (absl::IsNotFound(extra.status())) continue;
      if (!extra.ok()) return extra.status();
      for (auto& [key, value] : *extra) (*keys)[key] = std::move(value);
    }
  }
  return keys;
}

void CheckRuntimes(const RuntimeInputs& in, const hostfs::HostView& host, DoctorReport& report) {
  Section& section = report.AddSection("runtime", "Container runtime");
  bool containerd = CheckOne("containerd", in.containerd_config, true, in, host, section);
  bool crio = CheckOne("CRI-O", in.crio_config, false, in, host, section);
  if (containerd || crio) return;
  section.Warn(absl::StrCat("no container runtime config: neither ", in.containerd_config,
                            " nor ", in.crio_config),
               "pass --containerd-config or --crio-config; in a container, mount the host's /etc "
               "or use --host-root");
}

}  // namespace gpulet::doctor
