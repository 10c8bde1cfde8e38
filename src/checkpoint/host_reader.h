// HostReader: the few reads of the node's files that checkpoint/ needs
// (/proc/PID/maps and stat, /proc/driver/nvidia/gpus, the tool's bin dirs),
// named by host path.
//
// Two implementations: HostViewReader over hostfs::HostView for gpulet
// itself, and PrefixHostReader for the CRIU plugin, which cannot link
// hostfs (see plain_status.h) and runs on the host, where the view is "/"
// (or a fixture tree in tests).
//
// Implementations are thread-safe (const reads only).
#ifndef GPULET_CHECKPOINT_HOST_READER_H_
#define GPULET_CHECKPOINT_HOST_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

class HostReader {
 public:
  virtual ~HostReader() = default;

  // The whole content of host file `host_path` into `*content`. NotFound
  // when it does not exist, another code when it cannot be read; the
  // message names the path.
  virtual PlainStatus ReadFile(std::string_view host_path,
                               std::string* content) const = 0;

  // The entry names of directory `host_path`, sorted, into `*names`.
  // NotFound when it does not exist or is not a directory.
  virtual PlainStatus ListDirectory(std::string_view host_path,
                                    std::vector<std::string>* names) const = 0;

  // The path gpulet can exec for host file `host_path` when it is an
  // executable regular file; nullopt otherwise.
  virtual std::optional<std::string> ExecutablePath(
      std::string_view host_path) const = 0;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_HOST_READER_H_
