// A fake `cuda-checkpoint` for tests and benchmarks: the argv and outputs
// of NVIDIA's tool (r555+ `--action` interface), with per-process state
// kept in files instead of a GPU.
//
// State dir: $FAKE_CUDA_CHECKPOINT_DIR. In it:
//   <pid>                  "<state> <restore tid>": a CUDA process (written
//                          by the fake libcuda or a test); absent: not CUDA
//   calls.log              one line appended per call: the argv after argv[0]
//   old-driver             present: `-h` has no --action (an r550 driver)
//   fail.<action>.<pid>    present: that call prints an error and exits 1
//   hang.<action>.<pid>    present: that call sleeps; a lock with --timeout
//                          sleeps the timeout and fails as the tool does
//   delay-ms, delay-ms.<pid>  every action first sleeps this many ms
//   barrier.<action>       "<n>": that action waits until n calls of it
//                          have started (for up to 120 s, then fails), so
//                          it succeeds only when n run at once
// <action> is lock, checkpoint, restore, unlock, get-restore-tid or
// get-state. get-state is addressed by restore TID, like the real tool.
//
// For a real process (one whose /proc/<pid>/task/<restore tid> exists),
// get-state and every action fail at once while a tracer holds the restore
// thread stopped: the real tool waits for that thread, forever while CRIU
// keeps it stopped, so a caller must let it run first.
//
// Each call is one process; state files are replaced by rename, so
// concurrent calls for different pids do not interfere.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string g_dir;

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Entry {
  std::string state;
  long tid = 0;
};

std::optional<Entry> Load(long pid) {
  std::optional<std::string> text = ReadSmallFile(g_dir + "/" + std::to_string(pid));
  if (!text) return std::nullopt;
  Entry e;
  std::istringstream in(*text);
  if (!(in >> e.state >> e.tid)) return std::nullopt;
  return e;
}

void Store(long pid, const Entry& e) {
  std::string path = g_dir + "/" + std::to_string(pid);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << e.state << " " << e.tid << "\n";
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) std::perror("rename");
}

// The pid whose restore thread is `tid`.
std::optional<long> PidOfTid(long tid) {
  DIR* dir = opendir(g_dir.c_str());
  if (dir == nullptr) return std::nullopt;
  std::optional<long> found;
  while (dirent* d = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(d->d_name, &end, 10);
    if (end == d->d_name || *end != '\0') continue;
    std::optional<Entry> e = Load(pid);
    if (e && e->tid == tid) found = pid;
  }
  closedir(dir);
  return found;
}

void LogCall(int argc, char** argv) {
  std::string line;
  for (int i = 1; i < argc; ++i) line += (i > 1 ? " " : "") + std::string(argv[i]);
  line += "\n";
  int fd = open((g_dir + "/calls.log").c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (write(fd, line.data(), line.size()) < 0) std::perror("calls.log");
  close(fd);
}

void SleepMs(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

void Delay(long pid) {
  for (std::string name : {std::string("delay-ms"), "delay-ms." + std::to_string(pid)}) {
    if (std::optional<std::string> ms = ReadSmallFile(g_dir + "/" + name)) SleepMs(std::atol(ms->c_str()));
  }
}

int Help() {
  std::printf("CUDA checkpoint and restore utility.\n"
              "Usage: cuda-checkpoint [options]\n"
              "  --pid|-p <pid>   process to act on\n");
  if (Exists(g_dir + "/old-driver")) {
    std::printf("  --toggle         toggle the CUDA state of the process\n");
  } else {
    std::printf("  --action|-a <lock|checkpoint|restore|unlock>\n"
                "  --timeout|-t <ms>   lock timeout\n"
                "  --get-state      print running, locked or checkpointed\n"
                "  --get-restore-tid print the restore thread ID\n");
  }
  return 0;
}

// Whether `tid`, the restore thread of the real process `pid`, is in a
// tracing stop ('t' in /proc/<pid>/task/<tid>/stat).
bool RestoreThreadStopped(long pid, long tid) {
  std::optional<std::string> stat = ReadSmallFile("/proc/" + std::to_string(pid) + "/task/" +
                                                  std::to_string(tid) + "/stat");
  if (!stat) return false;
  size_t paren = stat->rfind(')');
  return paren != std::string::npos && paren + 2 < stat->size() && (*stat)[paren + 2] == 't';
}

int StoppedError(long pid, long tid) {
  std::printf("Error: restore thread %ld of pid %ld is stopped by a tracer "
              "(the real tool waits for it)\n", tid, pid);
  return 1;
}

// Injected failures and hangs; returns the exit code to use, or -1.
int Injected(const std::string& action, long pid, long timeout_ms) {
  std::string suffix = action + "." + std::to_string(pid);
  if (Exists(g_dir + "/hang." + suffix)) {
    if (action == "lock" && timeout_ms > 0) {
      SleepMs(timeout_ms);
      std::printf("Error: lock timed out after %ld ms\n", timeout_ms);
      return 1;
    }
    for (;;) pause();
  }
  if (Exists(g_dir + "/fail." + suffix)) {
    std::printf("Error: injected %s failure for pid %ld\n", action.c_str(), pid);
    return 1;
  }
  return -1;
}

// Waits at the action's barrier, if any; false when it timed out.
bool Barrier(const std::string& action, long pid) {
  std::optional<std::string> wanted = ReadSmallFile(g_dir + "/barrier." + action);
  if (!wanted) return true;
  std::string prefix = "arrived." + action + ".";
  std::ofstream(g_dir + "/" + prefix + std::to_string(pid)).close();
  long n = std::atol(wanted->c_str());
  for (int waited = 0; waited < 12000; ++waited) {
    long arrived = 0;
    if (DIR* dir = opendir(g_dir.c_str())) {
      while (dirent* d = readdir(dir)) arrived += std::strncmp(d->d_name, prefix.c_str(), prefix.size()) == 0;
      closedir(dir);
    }
    if (arrived >= n) return true;
    SleepMs(10);
  }
  return false;
}

int Action(const std::string& action, long pid, long timeout_ms) {
  if (int code = Injected(action, pid, timeout_ms); code >= 0) return code;
  if (!Barrier(action, pid)) {
    std::printf("Error: barrier of %s never filled\n", action.c_str());
    return 1;
  }
  std::optional<Entry> e = Load(pid);
  if (!e) {
    std::printf("Error: pid %ld is not a CUDA process\n", pid);
    return 1;
  }
  if (RestoreThreadStopped(pid, e->tid)) return StoppedError(pid, e->tid);
  Delay(pid);
  struct Step { const char* action; const char* from; const char* to; };
  static const Step kSteps[] = {{"lock", "running", "locked"},
                                {"checkpoint", "locked", "checkpointed"},
                                {"restore", "checkpointed", "locked"},
                                {"unlock", "locked", "running"}};
  for (const Step& step : kSteps) {
    if (action != step.action) continue;
    if (e->state != step.from) {
      std::printf("Error: cannot %s pid %ld in state %s\n", step.action, pid, e->state.c_str());
      return 1;
    }
    e->state = step.to;
    Store(pid, *e);
    return 0;
  }
  std::printf("Error: unknown action %s\n", action.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dir = std::getenv("FAKE_CUDA_CHECKPOINT_DIR");
  if (dir == nullptr) {
    std::fprintf(stderr, "fake cuda-checkpoint: FAKE_CUDA_CHECKPOINT_DIR is not set\n");
    return 2;
  }
  g_dir = dir;
  LogCall(argc, argv);
  std::string mode, action;
  long pid = -1, timeout_ms = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "-h" || arg == "--help") return Help();
    if (arg == "--get-state" || arg == "--get-restore-tid") mode = arg.substr(2);
    else if ((arg == "--action" || arg == "-a") && has_value) action = argv[++i];
    else if ((arg == "--pid" || arg == "-p") && has_value) pid = std::atol(argv[++i]);
    else if ((arg == "--timeout" || arg == "-t") && has_value) timeout_ms = std::atol(argv[++i]);
    else {
      std::printf("Error: unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (pid <= 0) {
    std::printf("Error: --pid is required\n");
    return 2;
  }
  if (mode == "get-restore-tid") {
    if (int code = Injected(mode, pid, 0); code >= 0) return code;
    std::optional<Entry> e = Load(pid);
    if (!e) {
      std::printf("Error: pid %ld is not a CUDA process\n", pid);
      return 1;
    }
    std::printf("%ld\n", e->tid);
    return 0;
  }
  if (mode == "get-state") {
    std::optional<long> owner = PidOfTid(pid);
    if (int code = Injected(mode, owner.value_or(pid), 0); code >= 0) return code;
    std::optional<Entry> e = owner ? Load(*owner) : std::nullopt;
    if (!e) {
      std::printf("Error: no CUDA process with restore thread %ld\n", pid);
      return 1;
    }
    if (RestoreThreadStopped(*owner, pid)) return StoppedError(*owner, pid);
    std::printf("%s\n", e->state.c_str());
    return 0;
  }
  if (action.empty()) {
    std::printf("Error: one of --action, --get-state, --get-restore-tid is required\n");
    return 2;
  }
  return Action(action, pid, timeout_ms);
}
