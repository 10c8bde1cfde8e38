#include "checkpoint/host_view_reader.h"

#include <unistd.h>

#include <utility>

namespace gpulet::checkpoint {
namespace {

PlainStatus ToPlain(const absl::Status& status) {
  return {static_cast<PlainCode>(status.code()), std::string(status.message())};
}

}  // namespace

HostViewReader::HostViewReader(hostfs::HostView view) : view_(std::move(view)) {}

PlainStatus HostViewReader::ReadFile(std::string_view host_path,
                                     std::string* content) const {
  absl::StatusOr<std::string> read = view_.ReadFile(host_path);
  if (!read.ok()) return ToPlain(read.status());
  *content = *std::move(read);
  return {};
}

PlainStatus HostViewReader::ListDirectory(std::string_view host_path,
                                          std::vector<std::string>* names) const {
  absl::StatusOr<std::vector<std::string>> listed = view_.ListDirectory(host_path);
  if (!listed.ok()) {
    // FailedPrecondition (not a directory) means the same as absent here.
    if (absl::IsFailedPrecondition(listed.status())) {
      return {PlainCode::kNotFound, std::string(listed.status().message())};
    }
    return ToPlain(listed.status());
  }
  *names = *std::move(listed);
  return {};
}

std::optional<std::string> HostViewReader::ExecutablePath(
    std::string_view host_path) const {
  absl::StatusOr<std::string> resolved = view_.Resolve(host_path);
  if (!resolved.ok()) return std::nullopt;
  absl::StatusOr<hostfs::FileInfo> info = view_.Stat(*resolved);
  if (!info.ok() || info->type != hostfs::FileInfo::Type::kRegular) return std::nullopt;
  std::string agent_path = view_.ToAgentPath(*resolved);
  if (access(agent_path.c_str(), X_OK) != 0) return std::nullopt;
  return agent_path;
}

}  // namespace gpulet::checkpoint
