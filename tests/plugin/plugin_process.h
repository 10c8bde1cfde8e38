// PluginProcess: a real `gpulet device-plugin` (or any program) run as a
// child process, for end-to-end tests and the process-level benchmark —
// started with an explicit environment, its output captured in a file,
// signalled, waited for, and measured through /proc (resident memory, open
// file descriptors).
//
// The child gets only the environment it is given plus the sanitizer
// options of this process, so that settings of the machine running the
// tests (MIG_STRATEGY, say) cannot leak into it.
//
// Not thread-safe: one thread drives it. The destructor kills a child that
// is still running and reaps it.
#ifndef GPULET_TESTS_PLUGIN_PLUGIN_PROCESS_H_
#define GPULET_TESTS_PLUGIN_PLUGIN_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gpulet::testing {

struct PluginProcessOptions {
  std::string binary;
  std::vector<std::string> args;  // argv[1...]
  std::vector<std::string> env;   // "NAME=value"
  std::string log_path;           // stdout and stderr, truncated at start
};

class PluginProcess {
 public:
  // Internal when fork fails; a binary that cannot be executed exits 127.
  static absl::StatusOr<std::unique_ptr<PluginProcess>> Start(PluginProcessOptions options);
  ~PluginProcess();
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !exit_code_.has_value(); }

  // FailedPrecondition once the child has exited.
  absl::Status Signal(int signal);
  // The exit code, or 128 + the signal that ended it; nullopt while it
  // runs past `timeout`.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  // Everything the child has written so far.
  std::string Log() const;
  // Waits until the log contains `text`.
  bool WaitForLog(std::string_view text, std::chrono::milliseconds timeout) const;

 private:
  PluginProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  void Reap(bool block);

  const pid_t pid_;
  const std::string log_path_;
  std::optional<int> exit_code_;
};

// VmRSS of `pid` in KiB. NotFound when the process is gone.
absl::StatusOr<size_t> ResidentKiB(pid_t pid);
// The number of entries in /proc/<pid>/fd. NotFound when it is gone.
absl::StatusOr<size_t> OpenFdCount(pid_t pid);

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_PLUGIN_PROCESS_H_
