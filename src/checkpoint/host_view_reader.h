// HostViewReader: the HostReader of gpulet itself, over hostfs::HostView,
// so checkpoint/ sees the host wherever it is mounted (a pod's "/host", a
// fixture tree) with symlinks resolved in host space.
//
// Immutable; thread-safe (HostView's const methods are).
#ifndef GPULET_CHECKPOINT_HOST_VIEW_READER_H_
#define GPULET_CHECKPOINT_HOST_VIEW_READER_H_

#include <string>

#include "checkpoint/host_reader.h"
#include "hostfs/host_view.h"

namespace gpulet::checkpoint {

class HostViewReader final : public HostReader {
 public:
  explicit HostViewReader(hostfs::HostView view);

  // HostReader
  PlainStatus ReadFile(std::string_view host_path, std::string* content) const override;
  PlainStatus ListDirectory(std::string_view host_path,
                            std::vector<std::string>* names) const override;
  std::optional<std::string> ExecutablePath(std::string_view host_path) const override;

 private:
  hostfs::HostView view_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_HOST_VIEW_READER_H_
