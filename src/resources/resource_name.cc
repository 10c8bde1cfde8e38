#include "resources/resource_name.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::resources {
namespace {

// Kubernetes caps a qualified name at 63 characters.
constexpr size_t kMaxLength = 63;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', starting and
// ending with an alphanumeric.
bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "resource name \"", AsAbsl(text), "\": ", AsAbsl(why)));
}

}  // namespace

absl::StatusOr<ResourceName> ResourceName::Parse(std::string_view text) {
  std::string_view part = text;
  if (part.starts_with(kPrefix)) {
    part.remove_prefix(kPrefix.size());
  } else if (part.find('/') != std::string_view::npos) {
    return Invalid(text, "only the \"nvidia.com/\" prefix is allowed");
  }
  if (!IsDnsSubdomain(part)) {
    return Invalid(text,
                   "the name after \"nvidia.com/\" must be lower-case "
                   "alphanumerics, '-' and '.', starting and ending with an "
                   "alphanumeric");
  }
  std::string name = absl::StrCat(AsAbsl(kPrefix), AsAbsl(part));
  if (name.size() > kMaxLength) {
    return Invalid(text, absl::StrCat("longer than ", kMaxLength, " characters"));
  }
  return ResourceName(std::move(name));
}

ResourceName ResourceName::Gpu() {
  return ResourceName(absl::StrCat(AsAbsl(kPrefix), "gpu"));
}

std::string_view ResourceName::short_name() const {
  return std::string_view(name_).substr(kPrefix.size());
}

ResourceName ResourceName::Shared() const {
  return ResourceName(name_ + ".shared");
}

std::string ResourceName::SocketName() const {
  return absl::StrCat("nvidia-", AsAbsl(short_name()), ".sock");
}

}  // namespace gpulet::resources
