// ResourceName: a fully qualified extended resource name such as
// "nvidia.com/gpu", "nvidia.com/mig-1g.10gb" or "nvidia.com/gpu.shared".
//
// Validated as NVIDIA validates them, so that a name gpulet accepts is one
// the NVIDIA plugin would accept too: the "nvidia.com/" prefix is added when
// missing, the whole name is at most 63 characters and the part after the
// prefix is a DNS subdomain (lower-case alphanumerics, '-' and '.', starting
// and ending with an alphanumeric).
//
// A plain value: copyable, immutable, thread-safe.
#ifndef GPULET_RESOURCES_RESOURCE_NAME_H_
#define GPULET_RESOURCES_RESOURCE_NAME_H_

#include <compare>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::resources {

class ResourceName {
 public:
  static constexpr std::string_view kPrefix = "nvidia.com/";

  // "gpu" and "nvidia.com/gpu" both give "nvidia.com/gpu". InvalidArgument
  // quoting `text` and saying which rule it breaks; a prefix other than
  // "nvidia.com/" is rejected.
  static absl::StatusOr<ResourceName> Parse(std::string_view text);

  // "nvidia.com/gpu": the whole-GPU resource.
  static ResourceName Gpu();

  // "nvidia.com/gpu".
  const std::string& ToString() const { return name_; }
  // The part after the prefix: "gpu", "mig-1g.10gb".
  std::string_view short_name() const;
  // The name with ".shared" appended (renameByDefault).
  ResourceName Shared() const;
  // The plugin's socket file name: "nvidia-" + short name + ".sock".
  std::string SocketName() const;

  friend auto operator<=>(const ResourceName&, const ResourceName&) = default;
  friend bool operator==(const ResourceName&, const ResourceName&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const ResourceName& name) {
    return H::combine(std::move(h), name.name_);
  }

 private:
  explicit ResourceName(std::string name) : name_(std::move(name)) {}

  std::string name_;
};

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_RESOURCE_NAME_H_
