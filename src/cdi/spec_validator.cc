#include "cdi/spec_validator.h"

#include <cctype>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "cdi/spec_version.h"

namespace gpulet::cdi {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)); }

// Shared shape of vendor and class names.
absl::Status ValidateKindPart(std::string_view what, std::string_view name) {
  auto error = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", AsAbsl(what), " \"", AsAbsl(name), "\": ", AsAbsl(why)));
  };
  if (name.empty()) return error("it is empty");
  if (!IsAlpha(name.front())) return error("it must start with a letter");
  if (!IsAlnum(name.back())) return error("it must end with a letter or digit");
  for (char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return error(absl::StrCat("character '", std::string(1, c),
                                "' is not a letter, digit, '_', '.' or '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateKind(std::string_view kind) {
  size_t slash = kind.find('/');
  if (slash == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind \"", AsAbsl(kind), "\" is not of the form vendor/class"));
  }
  RETURN_IF_ERROR(ValidateVendorName(kind.substr(0, slash)));
  return ValidateClassName(kind.substr(slash + 1));
}

absl::Status ValidateVersion(const Spec& spec) {
  absl::StatusOr<SpecVersion> version = SpecVersion::Parse(spec.version);
  if (!version.ok()) return version.status();
  SpecVersion minimum = MinimumVersion(spec);
  if (*version < minimum) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cdiVersion \"", spec.version, "\" is below ", minimum.ToString(),
        ", the minimum version for the fields this spec uses"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEnv(std::string_view where, const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          AsAbsl(where), ": invalid env \"", entry, "\": must be NAME=value"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateNode(std::string_view where, const DeviceNode& node) {
  auto error = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(where), ": invalid device node \"", node.path, "\": ", AsAbsl(why)));
  };
  if (node.path.empty()) return error("path is empty");
  if (node.type != "" && node.type != "b" && node.type != "c" &&
      node.type != "u" && node.type != "p") {
    return error(absl::StrCat("type \"", node.type, "\" is not b, c, u or p"));
  }
  if (node.permissions != "none") {
    for (char c : node.permissions) {
      if (c != 'r' && c != 'w' && c != 'm') {
        return error(absl::StrCat("permissions \"", node.permissions,
                                  "\" may only hold r, w and m"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateHook(std::string_view where, const Hook& hook) {
  static const std::set<std::string, std::less<>> kHookNames = {
      "prestart",       "createRuntime", "createContainer",
      "startContainer", "poststart",     "poststop"};
  if (!kHookNames.contains(hook.hook_name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(where), ": invalid hook name \"", hook.hook_name,
        "\": not an OCI hook (prestart, createRuntime, createContainer, "
        "startContainer, poststart, poststop)"));
  }
  if (hook.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(where), ": invalid hook \"", hook.hook_name, "\": path is empty"));
  }
  return ValidateEnv(absl::StrCat(AsAbsl(where), " hook \"", hook.hook_name, "\""),
                     hook.env);
}

absl::Status ValidateMount(std::string_view where, const Mount& mount) {
  if (mount.host_path.empty() || mount.container_path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(where), ": invalid mount \"", mount.host_path, "\" -> \"",
        mount.container_path, "\": hostPath and containerPath must be set"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEdits(std::string_view where, const ContainerEdits& edits) {
  RETURN_IF_ERROR(ValidateEnv(where, edits.env));
  for (const DeviceNode& node : edits.device_nodes) RETURN_IF_ERROR(ValidateNode(where, node));
  for (const Hook& hook : edits.hooks) RETURN_IF_ERROR(ValidateHook(where, hook));
  for (const Mount& mount : edits.mounts) RETURN_IF_ERROR(ValidateMount(where, mount));
  return absl::OkStatus();
}

absl::Status ValidateDevices(const std::vector<Device>& devices) {
  if (devices.empty()) {
    return absl::InvalidArgumentError("devices: a spec needs at least one device");
  }
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < devices.size(); ++i) {
    const Device& device = devices[i];
    std::string where = absl::StrCat("devices[", i, "] \"", device.name, "\"");
    absl::Status name = ValidateDeviceName(device.name);
    if (!name.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", name.message()));
    if (!names.insert(device.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate device name"));
    }
    if (device.edits.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": empty device edits"));
    }
    RETURN_IF_ERROR(ValidateEdits(where, device.edits));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateVendorName(std::string_view name) {
  return ValidateKindPart("vendor", name);
}

absl::Status ValidateClassName(std::string_view name) {
  return ValidateKindPart("class", name);
}

absl::Status ValidateDeviceName(std::string_view name) {
  auto error = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid device name \"", AsAbsl(name), "\": ", AsAbsl(why)));
  };
  if (name.empty()) return error("it is empty");
  if (!IsAlnum(name.front())) return error("it must start with a letter or digit");
  if (!IsAlnum(name.back())) return error("it must end with a letter or digit");
  for (char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != ':' && c != '-') {
      return error(absl::StrCat("character '", std::string(1, c),
                                "' is not a letter, digit, '_', '.', ':' or '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSpec(const Spec& spec) {
  RETURN_IF_ERROR(ValidateKind(spec.kind));
  RETURN_IF_ERROR(ValidateVersion(spec));
  RETURN_IF_ERROR(ValidateDevices(spec.devices));
  return ValidateEdits("containerEdits", spec.edits);
}

}  // namespace gpulet::cdi
