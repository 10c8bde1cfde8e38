#include "mock/nvml/control_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gpulet::mock {
namespace {

absl::Status Malformed(absl::string_view line, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("control command \"", line, "\": ", why));
}

// "gi=3" / "ci=0" options of an xid command.
absl::Status ParseInstanceOption(absl::string_view word, absl::string_view line,
                                 ControlCommand* c) {
  uint32_t value = 0;
  std::optional<uint32_t>* slot = nullptr;
  if (absl::ConsumePrefix(&word, "gi=")) slot = &c->gi;
  if (slot == nullptr && absl::ConsumePrefix(&word, "ci=")) slot = &c->ci;
  if (slot == nullptr || !absl::SimpleAtoi(word, &value)) {
    return Malformed(line, "expected gi=<id> or ci=<id>");
  }
  *slot = value;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<ControlCommand>> ParseControlCommand(
    absl::string_view line) {
  absl::string_view text = line.substr(0, line.find('#'));
  std::vector<absl::string_view> w =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  if (w.empty()) return std::nullopt;
  ControlCommand c;
  const absl::string_view verb = w[0];
  if (verb == "reload") {
    if (w.size() > 2) return Malformed(line, "expected reload [<profile>]");
    c.kind = ControlCommand::Kind::kReload;
    if (w.size() == 2) c.source = std::string(w[1]);
    return c;
  }
  if (w.size() < 2) return Malformed(line, "missing target");
  c.target = std::string(w[1]);
  if (verb == "lost" || verb == "restore") {
    if (w.size() != 2) return Malformed(line, "expected one GPU");
    c.kind = verb == "lost" ? ControlCommand::Kind::kLost
                            : ControlCommand::Kind::kRestore;
    return c;
  }
  if (verb == "ecc") {
    c.kind = ControlCommand::Kind::kEcc;
    if (w.size() > 3 || (w.size() == 3 && w[2] != "double" && w[2] != "single")) {
      return Malformed(line, "expected ecc <target> [double|single]");
    }
    c.double_bit = w.size() < 3 || w[2] == "double";
    return c;
  }
  if (verb == "process") {
    c.kind = ControlCommand::Kind::kProcess;
    if (w.size() != 4 || !absl::SimpleAtoi(w[2], &c.pid) || c.pid == 0 ||
        !absl::SimpleAtoi(w[3], &c.memory_mib) || c.memory_mib > (uint64_t{1} << 40)) {
      return Malformed(line, "expected process <target> <pid> <MiB>");
    }
    return c;
  }
  if (verb == "fail") {
    c.kind = ControlCommand::Kind::kFail;
    if (w.size() < 3 || w.size() > 4 || !absl::StartsWith(c.target, "nvml") ||
        !absl::SimpleAtoi(w[2], &c.fail_code) ||
        (w.size() == 4 && (!absl::SimpleAtoi(w[3], &c.fail_times) || c.fail_times == 0))) {
      return Malformed(line, "expected fail <nvmlFunction> <code> [<times>]");
    }
    return c;
  }
  if (verb != "xid") {
    return Malformed(line, "unknown command (xid, ecc, lost, restore, reload, process, fail)");
  }
  c.kind = ControlCommand::Kind::kXid;
  if (w.size() < 3 || !absl::SimpleAtoi(w[2], &c.xid)) {
    return Malformed(line, "expected xid <target> <number>");
  }
  for (size_t i = 3; i < w.size(); ++i) {
    if (auto s = ParseInstanceOption(w[i], line, &c); !s.ok()) return s;
  }
  if (c.gi.has_value() != c.ci.has_value()) {
    return Malformed(line, "gi= and ci= go together");
  }
  return c;
}

ControlFile::~ControlFile() {
  if (fd_ >= 0) close(fd_);
}

std::vector<std::string> ControlFile::ReadNewLines() {
  std::vector<std::string> lines;
  // stat() by name rather than fstat() so that a file removed and created
  // again (a new inode) is noticed and read from its start.
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) return lines;
  if (fd_ < 0 || st.st_ino != inode_) {
    if (fd_ >= 0) close(fd_);
    fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return lines;
    inode_ = st.st_ino;
    offset_ = 0;
    partial_.clear();
  }
  if (st.st_size < offset_) {
    // Truncated: start over rather than read from the middle.
    offset_ = 0;
    partial_.clear();
  }
  char buf[4096];
  while (offset_ < st.st_size) {
    ssize_t n = pread(fd_, buf, sizeof(buf), offset_);
    if (n <= 0) break;
    offset_ += n;
    partial_.append(buf, static_cast<size_t>(n));
  }
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    lines.push_back(partial_.substr(start, nl - start));
  }
  partial_.erase(0, start);
  return lines;
}

}  // namespace gpulet::mock
