// DeviceId: the ID kubelet knows a device by.
//
// A GPU or MIG UUID ("GPU-...", "MIG-..."), or for a shared device one
// replica of it: "<UUID>::<n>" with n in 0..replicas-1 (NVIDIA's
// AnnotatedID form, kept so that pods and tooling see the same IDs).
//
// A plain value: copyable, immutable, thread-safe.
#ifndef GPULET_RESOURCES_DEVICE_ID_H_
#define GPULET_RESOURCES_DEVICE_ID_H_

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::resources {

class DeviceId {
 public:
  // Accepts "<uuid>" and "<uuid>::<n>" with n a decimal number. Returns
  // InvalidArgument quoting `text` when it is empty, the UUID part is empty
  // or contains ':' or whitespace, or n is not a number.
  static absl::StatusOr<DeviceId> Parse(std::string_view text);

  // A whole device.
  explicit DeviceId(std::string uuid) : uuid_(std::move(uuid)) {}
  // Replica `replica` of the device `uuid`.
  DeviceId(std::string uuid, int replica)
      : uuid_(std::move(uuid)), replica_(replica) {}

  // The GPU or MIG UUID, without a replica suffix.
  const std::string& uuid() const { return uuid_; }
  // The replica number; nullopt for an unshared device.
  std::optional<int> replica() const { return replica_; }

  // "<uuid>" or "<uuid>::<n>".
  std::string ToString() const;

  friend auto operator<=>(const DeviceId&, const DeviceId&) = default;
  friend bool operator==(const DeviceId&, const DeviceId&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const DeviceId& id) {
    return H::combine(std::move(h), id.uuid_, id.replica_);
  }

 private:
  std::string uuid_;
  std::optional<int> replica_;
};

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_DEVICE_ID_H_
