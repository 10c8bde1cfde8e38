#include "hostfs/host_view.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/absl_string_view.h"
#include "hostfs/path.h"

namespace gpulet::hostfs {
namespace {

// Linux's own limit (MAXSYMLINKS); a longer chain is taken as a loop.
constexpr int kMaxSymlinks = 40;

absl::Status ErrnoError(int error, std::string_view what,
                        std::string_view host_path, std::string_view agent_path) {
  std::string message = absl::StrCat(AsAbsl(what), " \"", AsAbsl(host_path), "\"");
  if (agent_path != host_path) absl::StrAppend(&message, " (at \"", AsAbsl(agent_path), "\")");
  return absl::ErrnoToStatus(error, message);
}

FileInfo ToFileInfo(const struct stat& st) {
  FileInfo info;
  switch (st.st_mode & S_IFMT) {
    case S_IFREG: info.type = FileInfo::Type::kRegular; break;
    case S_IFDIR: info.type = FileInfo::Type::kDirectory; break;
    case S_IFLNK: info.type = FileInfo::Type::kSymlink; break;
    case S_IFCHR: info.type = FileInfo::Type::kCharDevice; break;
    case S_IFBLK: info.type = FileInfo::Type::kBlockDevice; break;
    case S_IFIFO: info.type = FileInfo::Type::kFifo; break;
    case S_IFSOCK: info.type = FileInfo::Type::kSocket; break;
    default: info.type = FileInfo::Type::kOther; break;
  }
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    info.rdev_major = major(st.st_rdev);
    info.rdev_minor = minor(st.st_rdev);
  }
  return info;
}

absl::StatusOr<std::string> ReadLinkAt(const std::string& agent_path) {
  std::string target(256, '\0');
  while (true) {
    ssize_t n = readlink(agent_path.c_str(), target.data(), target.size());
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("readlink \"", agent_path, "\""));
    if (static_cast<size_t>(n) < target.size()) {
      target.resize(n);
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// Pushes the components of `path` to the front of `pending`, keeping order.
void PushFront(std::string_view path, std::deque<std::string>* pending) {
  std::vector<std::string> parts =
      absl::StrSplit(AsAbsl(path), '/', absl::SkipEmpty());
  pending->insert(pending->begin(), parts.begin(), parts.end());
}

}  // namespace

HostView::HostView() : bindings_{{"/", "/"}} {}

absl::StatusOr<HostView> HostView::AtPrefix(std::string_view prefix) {
  ASSIGN_OR_RETURN(std::string agent, NormalizeAbsolutePath(prefix));
  HostView view;
  view.bindings_.front().agent_dir = std::move(agent);
  return view;
}

absl::Status HostView::Bind(std::string_view host_dir,
                            std::string_view agent_dir) {
  ASSIGN_OR_RETURN(std::string host, NormalizeAbsolutePath(host_dir));
  ASSIGN_OR_RETURN(std::string agent, NormalizeAbsolutePath(agent_dir));
  for (const Binding& b : bindings_) {
    if (b.host_dir == host) {
      return absl::AlreadyExistsError(absl::StrCat(
          "host dir \"", host, "\" is already bound to \"", b.agent_dir, "\""));
    }
  }
  bindings_.push_back({std::move(host), std::move(agent)});
  // Longest host dir first so that ToAgentPath takes the first match; "/"
  // is the shortest and stays last.
  std::stable_sort(bindings_.begin(), bindings_.end(),
                   [](const Binding& a, const Binding& b) {
                     return a.host_dir.size() > b.host_dir.size();
                   });
  return absl::OkStatus();
}

bool HostView::IsIdentity() const {
  return std::all_of(bindings_.begin(), bindings_.end(), [](const Binding& b) {
    return b.host_dir == b.agent_dir;
  });
}

std::string HostView::ToAgentPath(std::string_view host_path) const {
  for (const Binding& b : bindings_) {
    std::optional<std::string> rest = StripRoot(host_path, b.host_dir);
    if (rest.has_value()) return JoinPath(b.agent_dir, *rest);
  }
  return std::string(host_path);  // unreachable: "/" is always bound
}

std::optional<std::string> HostView::ToHostPath(
    std::string_view agent_path) const {
  // The longest agent dir that holds the path is the most specific mount.
  const Binding* best = nullptr;
  for (const Binding& b : bindings_) {
    if (IsUnderRoot(agent_path, b.agent_dir) &&
        (best == nullptr || b.agent_dir.size() > best->agent_dir.size())) {
      best = &b;
    }
  }
  if (best == nullptr) return std::nullopt;
  return JoinPath(best->host_dir, *StripRoot(agent_path, best->agent_dir));
}

bool HostView::IsBindingOrAncestor(std::string_view host_path) const {
  // A bound dir is where gpulet sees a mount, and its host ancestors may
  // not be visible at all (GKE: only /home/kubernetes/bin/nvidia is
  // mounted). Both are taken as the directories they name on the host.
  return std::any_of(bindings_.begin(), bindings_.end(),
                     [host_path](const Binding& b) {
                       return b.host_dir != "/" &&
                              IsUnderRoot(b.host_dir, host_path);
                     });
}

absl::StatusOr<std::string> HostView::Resolve(std::string_view host_path) const {
  if (host_path.empty() || host_path.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("host path \"", AsAbsl(host_path), "\" is not absolute"));
  }
  std::deque<std::string> pending;
  PushFront(host_path, &pending);
  std::vector<std::string> resolved;
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    std::string current =
        absl::StrCat("/", absl::StrJoin(resolved, "/"),
                     resolved.empty() ? "" : "/", part);
    if (IsBindingOrAncestor(current)) {
      resolved.push_back(std::move(part));
      continue;
    }
    std::string agent = ToAgentPath(current);
    struct stat st;
    if (lstat(agent.c_str(), &st) != 0) {
      return ErrnoError(
          errno,
          absl::StrCat("cannot resolve host path \"", AsAbsl(host_path),
                       "\" at"),
          current, agent);
    }
    if (!S_ISLNK(st.st_mode)) {
      resolved.push_back(std::move(part));
      continue;
    }
    if (++links > kMaxSymlinks) {
      return absl::FailedPreconditionError(absl::StrCat(
          "too many levels of symbolic links resolving host path \"",
          AsAbsl(host_path), "\""));
    }
    ASSIGN_OR_RETURN(std::string target, ReadLinkAt(agent));
    if (!target.empty() && target.front() == '/') resolved.clear();
    PushFront(target, &pending);
  }
  return absl::StrCat("/", absl::StrJoin(resolved, "/"));
}

absl::StatusOr<FileInfo> HostView::Stat(std::string_view host_path) const {
  ASSIGN_OR_RETURN(std::string resolved, Resolve(host_path));
  std::string agent = ToAgentPath(resolved);
  struct stat st;
  // `resolved` has no host symlinks left; a symlink in gpulet's own view (a
  // bound dir) is followed.
  if (stat(agent.c_str(), &st) != 0) {
    return ErrnoError(errno, "cannot stat host path", host_path, agent);
  }
  return ToFileInfo(st);
}

bool HostView::Exists(std::string_view host_path) const {
  return Stat(host_path).ok();
}

absl::StatusOr<std::string> HostView::ReadLink(std::string_view host_path) const {
  ASSIGN_OR_RETURN(std::string normalized, NormalizeAbsolutePath(host_path));
  if (normalized == "/") {
    return absl::InvalidArgumentError("host path \"/\" is not a symlink");
  }
  size_t slash = normalized.rfind('/');
  std::string parent = slash == 0 ? "/" : normalized.substr(0, slash);
  ASSIGN_OR_RETURN(std::string resolved_parent, Resolve(parent));
  std::string agent =
      ToAgentPath(JoinPath(resolved_parent, normalized.substr(slash + 1)));
  struct stat st;
  if (lstat(agent.c_str(), &st) != 0) {
    return ErrnoError(errno, "cannot read link", host_path, agent);
  }
  if (!S_ISLNK(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("host path \"", AsAbsl(host_path), "\" is not a symlink"));
  }
  return ReadLinkAt(agent);
}

bool HostView::IsSymlink(std::string_view host_path) const {
  return ReadLink(host_path).ok();
}

absl::StatusOr<std::string> HostView::ReadFile(std::string_view host_path) const {
  ASSIGN_OR_RETURN(std::string resolved, Resolve(host_path));
  std::string agent = ToAgentPath(resolved);
  int fd = open(agent.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ErrnoError(errno, "cannot open host file", host_path, agent);
  std::string contents;
  char buffer[8192];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      if (error == EISDIR) {
        return absl::FailedPreconditionError(
            absl::StrCat("host path \"", AsAbsl(host_path), "\" is a directory"));
      }
      return ErrnoError(error, "cannot read host file", host_path, agent);
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return contents;
}

absl::StatusOr<std::vector<std::string>> HostView::ListDirectory(
    std::string_view host_path) const {
  ASSIGN_OR_RETURN(std::string resolved, Resolve(host_path));
  std::string agent = ToAgentPath(resolved);
  DIR* dir = opendir(agent.c_str());
  if (dir == nullptr) {
    if (errno == ENOTDIR) {
      return absl::FailedPreconditionError(
          absl::StrCat("host path \"", AsAbsl(host_path), "\" is not a directory"));
    }
    return ErrnoError(errno, "cannot list host directory", host_path, agent);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace gpulet::hostfs
