// PrefixHostReader: a HostReader for the CRIU plugin, which runs on the
// host itself and cannot link hostfs (see plain_status.h). The host's "/"
// is at `prefix`: "/" in CRIU, a fixture tree in tests.
//
// Unlike hostfs::HostView it lets the kernel follow symlinks, which is
// right only when the prefix is "/" (or a tree whose links are relative or
// point outside it on purpose); gpulet itself reads through
// HostViewReader.
//
// Immutable; thread-safe.
#ifndef GPULET_CHECKPOINT_PREFIX_HOST_READER_H_
#define GPULET_CHECKPOINT_PREFIX_HOST_READER_H_

#include <string>

#include "checkpoint/host_reader.h"

namespace gpulet::checkpoint {

class PrefixHostReader final : public HostReader {
 public:
  // `prefix` is an absolute dir; "/" and "" both mean the host's root.
  explicit PrefixHostReader(std::string prefix);

  // HostReader
  PlainStatus ReadFile(std::string_view host_path, std::string* content) const override;
  PlainStatus ListDirectory(std::string_view host_path,
                            std::vector<std::string>* names) const override;
  std::optional<std::string> ExecutablePath(std::string_view host_path) const override;

 private:
  std::string Local(std::string_view host_path) const;

  std::string prefix_;  // without a trailing "/"; "" for the root
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PREFIX_HOST_READER_H_
