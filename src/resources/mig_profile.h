// MigProfile: the profile of a MIG device in NVIDIA's naming.
//
//   "1g.10gb"      a GPU instance of 1 slice and 10 GB, one compute instance
//                  using all of it
//   "1c.3g.20gb"   a compute instance of 1 slice inside a 3-slice GPU
//                  instance
//   "1g.10gb+me"   with attributes (media extensions); "+me.all", "-me" too
//
// The resource name of a MIG device under the mixed strategy derives from
// it: "nvidia.com/mig-" + ResourceSuffix(), where '+' becomes '.'
// ("1g.10gb+me" → "mig-1g.10gb.me").
//
// A plain value: copyable, immutable, thread-safe.
#ifndef GPULET_RESOURCES_MIG_PROFILE_H_
#define GPULET_RESOURCES_MIG_PROFILE_H_

#include <compare>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::resources {

class MigProfile {
 public:
  // Accepts "[<C>c.]<G>g.<GB>gb[<attributes>]" where attributes start with
  // '+' or '-'. InvalidArgument quoting `text` otherwise, or when C > G.
  static absl::StatusOr<MigProfile> Parse(std::string_view text);

  unsigned int gpu_slices() const { return gpu_slices_; }
  // Equals gpu_slices() unless the profile names a smaller compute instance.
  unsigned int compute_slices() const { return compute_slices_; }
  unsigned int memory_gb() const { return memory_gb_; }
  // "+me", "-me", "+me.all"; empty without attributes.
  const std::string& attributes() const { return attributes_; }

  // Whether the compute instance spans the whole GPU instance (C == G): only
  // such profiles get a resource of their own under the mixed strategy.
  bool is_full_gpu_instance() const { return compute_slices_ == gpu_slices_; }

  // "1c.3g.20gb+me": the canonical text.
  std::string ToString() const;
  // The profile as it appears in a resource name: '+' replaced by '.'.
  std::string ResourceSuffix() const;

  friend auto operator<=>(const MigProfile&, const MigProfile&) = default;
  friend bool operator==(const MigProfile&, const MigProfile&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const MigProfile& p) {
    return H::combine(std::move(h), p.gpu_slices_, p.compute_slices_,
                      p.memory_gb_, p.attributes_);
  }

 private:
  MigProfile() = default;

  unsigned int gpu_slices_ = 0;
  unsigned int compute_slices_ = 0;
  unsigned int memory_gb_ = 0;
  std::string attributes_;
};

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_MIG_PROFILE_H_
