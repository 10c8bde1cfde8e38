#include "plugin_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace gpulet::testing {
namespace {

constexpr std::chrono::milliseconds kPoll(5);

// Sanitizer runtimes in the child read these; without them a TSan child
// would not load the suppressions the test runs with.
bool IsSanitizerOption(std::string_view entry) {
  for (std::string_view name : {"ASAN_OPTIONS=", "TSAN_OPTIONS=", "UBSAN_OPTIONS=",
                                "LSAN_OPTIONS="}) {
    if (entry.starts_with(name)) return true;
  }
  return false;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginProcess>> PluginProcess::Start(
    PluginProcessOptions options) {
  std::vector<std::string> argv_strings = {options.binary};
  argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
  std::vector<std::string> env_strings = options.env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (IsSanitizerOption(*e)) env_strings.emplace_back(*e);
  }
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, options.log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The test process may block signals (a SignalWatcher); the child
  // starts with none blocked and default handlers, like a container's pid 1.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int signal : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int error = posix_spawn(&pid, options.binary.c_str(), &actions, &attr, argv.data(),
                          envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    return absl::InternalError(
        absl::StrCat("starting ", options.binary, ": ", std::strerror(error)));
  }
  return std::unique_ptr<PluginProcess>(new PluginProcess(pid, std::move(options.log_path)));
}

PluginProcess::~PluginProcess() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  Reap(/*block=*/true);
}

absl::Status PluginProcess::Signal(int signal) {
  Reap(/*block=*/false);
  if (!running()) return absl::FailedPreconditionError("the process has exited");
  if (kill(pid_, signal) != 0) return absl::ErrnoToStatus(errno, "kill");
  return absl::OkStatus();
}

void PluginProcess::Reap(bool block) {
  if (!running()) return;
  int status = 0;
  pid_t done = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (done != pid_) return;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::optional<int> PluginProcess::WaitForExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    Reap(/*block=*/false);
    if (!running()) return exit_code_;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(kPoll);
  }
}

std::string PluginProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool PluginProcess::WaitForLog(std::string_view text, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPoll * 4);
  }
  return true;
}

absl::StatusOr<size_t> ResidentKiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::string line;
  while (std::getline(in, line)) {
    size_t kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %zu kB", &kib) == 1) return kib;
  }
  return absl::NotFoundError(absl::StrCat("no VmRSS for process ", pid));
}

absl::StatusOr<size_t> OpenFdCount(pid_t pid) {
  std::string path = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return absl::NotFoundError(absl::StrCat("cannot list ", path));
  size_t count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

}  // namespace gpulet::testing
