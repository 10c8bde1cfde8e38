#include "checkpoint/criu/plugin_driver.h"

#include <dirent.h>
#include <dlfcn.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace gpulet::checkpoint::criu::testing {
namespace {

// Every thread of `tasks` seized and stopped by the calling thread, as
// CRIU holds a tree it dumps or restores; detached when destroyed.
class SeizedTasks {
 public:
  explicit SeizedTasks(const std::vector<pid_t>& tasks) {
    for (pid_t pid : tasks) {
      std::string dir = "/proc/" + std::to_string(pid) + "/task";
      DIR* threads = opendir(dir.c_str());
      if (threads == nullptr) continue;
      while (dirent* entry = readdir(threads)) {
        pid_t tid = std::atoi(entry->d_name);
        if (tid <= 0) continue;
        if (ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(PTRACE_O_TRACESYSGOOD)) != 0) {
          std::fprintf(stderr, "SeizedTasks: cannot seize %d\n", tid);
          continue;
        }
        ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
        int status = 0;
        while (waitpid(tid, &status, __WALL) < 0 && errno == EINTR) {
        }
        tids_.push_back(tid);
      }
      closedir(threads);
    }
  }
  ~SeizedTasks() {
    for (pid_t tid : tids_) ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
  }
  SeizedTasks(const SeizedTasks&) = delete;
  SeizedTasks& operator=(const SeizedTasks&) = delete;

 private:
  std::vector<pid_t> tids_;
};

}  // namespace

PluginDriver::PluginDriver(const std::string& so_path) {
  handle_ = dlopen(so_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ != nullptr) {
    desc_ = static_cast<CriuPluginDesc*>(dlsym(handle_, "CR_PLUGIN_DESC"));
  }
  if (desc_ == nullptr || desc_->init == nullptr || desc_->exit == nullptr) {
    std::fprintf(stderr, "PluginDriver: cannot load %s: %s\n", so_path.c_str(), dlerror());
    std::abort();
  }
}

PluginDriver::~PluginDriver() { dlclose(handle_); }

void* PluginDriver::Symbol(const char* name) const { return dlsym(handle_, name); }

int PluginDriver::Hook(int hook, pid_t pid) {
  // CRIU skips a plugin whose descriptor lacks the hook.
  if (static_cast<unsigned>(hook) >= desc_->max_hooks || desc_->hooks[hook] == nullptr) {
    return -ENOTSUP;
  }
  return reinterpret_cast<int (*)(int)>(desc_->hooks[hook])(pid);
}

int PluginDriver::Dump(const std::vector<pid_t>& tasks, bool fail_after_checkpoint) {
  if (Init(kStageDump) != 0) return -1;
  int ret = 0;
  std::unique_ptr<SeizedTasks> seized;
  // CRIU stops at the first failing hook (-ENOTSUP is "not mine"), and
  // seizes the tree between the two.
  for (int hook : {kHookPauseDevices, kHookCheckpointDevices}) {
    if (hook == kHookCheckpointDevices && seize_tasks_) {
      seized = std::make_unique<SeizedTasks>(tasks);
    }
    for (pid_t pid : tasks) {
      int r = Hook(hook, pid);
      if (r < 0 && r != -ENOTSUP) {
        ret = r;
        break;
      }
    }
    if (ret != 0) break;
  }
  if (ret == 0 && fail_after_checkpoint) ret = -1;
  seized.reset();
  Fini(kStageDump, ret);
  return ret;
}

int PluginDriver::Restore(const std::vector<pid_t>& tasks) {
  if (Init(kStageRestore) != 0) return -1;
  int first_failure = 0;
  {
    std::unique_ptr<SeizedTasks> seized;
    if (seize_tasks_) seized = std::make_unique<SeizedTasks>(tasks);
    for (pid_t pid : tasks) {
      int r = Hook(kHookResumeDevicesLate, pid);
      if (r < 0 && r != -ENOTSUP && first_failure == 0) first_failure = r;
    }
  }
  Fini(kStageRestore, 0);
  return first_failure;
}

}  // namespace gpulet::checkpoint::criu::testing
