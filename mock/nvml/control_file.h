// ControlFile: the fault-injection channel of the mock NVML. Tests append
// command lines to the file named by GPULET_MOCK_CONTROL (from any process);
// the mock reads what was appended since it last looked, at the start of
// NVML calls and while an event wait sleeps. The grammar is in
// mock/README.md:
//
//   xid <target> <number> [gi=<id> ci=<id>]    inject an XID event
//   ecc <target> [double|single]               inject an ECC error event
//   lost <gpu>                                 the GPU falls off the bus
//   restore <gpu>                              it answers again
//   reload [<profile name or path>]            re-read the machine profile
//   process <target> <pid> <MiB>               a CUDA process on the device
//                                              holds MiB (0: it has none)
//   fail <nvmlFunction> <code> [<times>]       the entry point answers the
//                                              nvmlReturn_t <code> (0 clears)
//
// where <target> is a GPU index, a GPU UUID or a MIG device UUID and <gpu>
// a GPU index or UUID. '#' starts a comment.
//
// ControlFile is not thread-safe (MockDriver calls it under its mutex).
#ifndef GPULET_MOCK_NVML_CONTROL_FILE_H_
#define GPULET_MOCK_NVML_CONTROL_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::mock {

struct ControlCommand {
  enum class Kind { kXid, kEcc, kLost, kRestore, kReload, kProcess, kFail };
  Kind kind = Kind::kXid;
  std::string target;          // GPU index, GPU UUID or MIG UUID; kFail: function
  uint64_t xid = 0;            // kXid
  bool double_bit = true;      // kEcc
  std::optional<uint32_t> gi;  // kXid: explicit MIG instance ids
  std::optional<uint32_t> ci;
  std::string source;  // kReload: new profile name or path; empty: same
  uint32_t pid = 0;         // kProcess
  uint64_t memory_mib = 0;  // kProcess; 0 removes the process
  uint32_t fail_code = 0;   // kFail: the nvmlReturn_t; 0 (SUCCESS) clears
  uint32_t fail_times = 0;  // kFail: how many calls fail; 0: until cleared
};

// Parses one line. Blank and comment-only lines give std::nullopt;
// malformed ones InvalidArgument quoting the line.
absl::StatusOr<std::optional<ControlCommand>> ParseControlCommand(
    absl::string_view line);

class ControlFile {
 public:
  explicit ControlFile(std::string path) : path_(std::move(path)) {}
  ~ControlFile();
  ControlFile(const ControlFile&) = delete;
  ControlFile& operator=(const ControlFile&) = delete;

  // Complete lines appended since the previous call, oldest first. Costs
  // one stat when nothing changed; a file that does not exist (yet), was
  // truncated or was replaced is read from its start once it has content.
  std::vector<std::string> ReadNewLines();

 private:
  std::string path_;
  int fd_ = -1;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::string partial_;  // an unterminated last line, kept for next time
};

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_CONTROL_FILE_H_
