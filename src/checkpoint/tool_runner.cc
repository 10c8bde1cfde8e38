#include "checkpoint/tool_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>

extern char** environ;

namespace gpulet::checkpoint {
namespace {

using Clock = std::chrono::steady_clock;

// Owns the spawn attributes and file actions for one child.
class SpawnSetup {
 public:
  explicit SpawnSetup(int output_fd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, 1);
    posix_spawn_file_actions_adddup2(&actions_, output_fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    // The caller (CRIU) may block or catch signals; the tool gets defaults.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    // A process group of its own: Ctrl-C or a hangup of the caller's
    // terminal reaches the caller, which rolls back, and not a lock or
    // unlock half-way (nor the rollback's own restore and unlock).
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                         POSIX_SPAWN_SETPGROUP);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

// Reads `fd` until EOF or `deadline`; false when the deadline passed.
// EINTR (CRIU's SIGALRM, say) does not end the wait: the deadline does.
bool ReadUntilEof(int fd, std::optional<Clock::time_point> deadline,
                  std::string* output) {
  char buf[4096];
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - Clock::now());
      if (left.count() <= 0) return false;
      wait_ms = static_cast<int>(std::min<int64_t>(left.count(), 1 << 30));
    }
    pollfd pfd{fd, POLLIN, 0};
    int ready = poll(&pfd, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above ends the loop
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return true;
    size_t room = kMaxToolOutput - std::min(kMaxToolOutput, output->size());
    output->append(buf, std::min(room, static_cast<size_t>(n)));
  }
}

int WaitChild(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

PlainStatus RunTool(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout, ToolRun* run) {
  *run = ToolRun{};
  if (argv.empty()) return {PlainCode::kInvalidArgument, "no program to run"};
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return {PlainCode::kInternal, "pipe for " + argv[0] + ": " + std::strerror(errno)};
  }
  Clock::time_point start = Clock::now();
  pid_t child = 0;
  int err;
  {
    SpawnSetup setup(fds[1]);
    err = posix_spawn(&child, args[0], setup.actions(), setup.attr(), args.data(),
                      environ);
  }
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    // Not kNotFound, which callers read as "the process is gone": a tool
    // that vanished (a driver container restarting) must fail the phase.
    return {err == ENOENT ? PlainCode::kUnavailable : PlainCode::kInternal,
            "cannot run " + argv[0] + ": " + std::strerror(err)};
  }
  std::optional<Clock::time_point> deadline;
  if (timeout.count() > 0) deadline = start + timeout;
  if (!ReadUntilEof(fds[0], deadline, &run->output)) {
    kill(child, SIGKILL);
    run->timed_out = true;
  }
  close(fds[0]);
  int status = WaitChild(child);
  run->elapsed = Clock::now() - start;
  if (status < 0) {
    return {PlainCode::kInternal, "waiting for " + argv[0] + ": " + std::strerror(errno)};
  }
  if (WIFEXITED(status)) run->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run->term_signal = WTERMSIG(status);
  return {};
}

}  // namespace gpulet::checkpoint
