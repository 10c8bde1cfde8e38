#include "checkpoint/criu/plugin_driver.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace gpulet::checkpoint::criu::testing {

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
  // CRIU stops at the first failing hook (-ENOTSUP is "not mine").
  for (int hook : {kHookPauseDevices, kHookCheckpointDevices}) {
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
  Fini(kStageDump, ret);
  return ret;
}

int PluginDriver::Restore(const std::vector<pid_t>& tasks) {
  if (Init(kStageRestore) != 0) return -1;
  int first_failure = 0;
  for (pid_t pid : tasks) {
    int r = Hook(kHookResumeDevicesLate, pid);
    if (r < 0 && r != -ENOTSUP && first_failure == 0) first_failure = r;
  }
  Fini(kStageRestore, 0);
  return first_failure;
}

}  // namespace gpulet::checkpoint::criu::testing
