// PluginDriver: loads cuda_plugin.so with dlopen and calls it the way CRIU
// 4.x does, for tests: init, PAUSE_DEVICES for every task (root first),
// CHECKPOINT_DEVICES for every task, fini with the dump's result; on
// restore, RESUME_DEVICES_LATE for every task and fini.
//
// With set_seize_tasks(true) the tasks are real processes and, as CRIU
// does, every thread of them is ptrace-seized and stopped from the calling
// thread while CHECKPOINT_DEVICES and RESUME_DEVICES_LATE run, and
// released before fini.
//
// Test-only; not thread-safe.
#ifndef GPULET_CHECKPOINT_CRIU_PLUGIN_DRIVER_H_
#define GPULET_CHECKPOINT_CRIU_PLUGIN_DRIVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "checkpoint/criu/criu_abi.h"

namespace gpulet::checkpoint::criu::testing {

class PluginDriver {
 public:
  // Aborts the test binary when the plugin cannot be loaded or has no
  // valid descriptor (every test would be meaningless).
  explicit PluginDriver(const std::string& so_path);
  ~PluginDriver();
  PluginDriver(const PluginDriver&) = delete;
  PluginDriver& operator=(const PluginDriver&) = delete;

  const CriuPluginDesc& desc() const { return *desc_; }
  // dlsym() in the plugin alone.
  void* Symbol(const char* name) const;

  int Init(int stage) { return desc_->init(stage); }
  void Fini(int stage, int ret) { desc_->exit(stage, ret); }
  int Hook(int hook, pid_t pid);

  // What CRIU's dump does with the plugin. `fail_after_checkpoint` stands
  // for a later failure (writing images, say). Returns the dump's result:
  // 0, or the first failing hook's value.
  int Dump(const std::vector<pid_t>& tasks, bool fail_after_checkpoint = false);
  // What CRIU's restore does with the plugin; returns the first hook
  // failure (which CRIU itself ignores) or 0.
  int Restore(const std::vector<pid_t>& tasks);

  void set_seize_tasks(bool seize) { seize_tasks_ = seize; }

 private:
  bool seize_tasks_ = false;
  void* handle_ = nullptr;
  CriuPluginDesc* desc_ = nullptr;
};

}  // namespace gpulet::checkpoint::criu::testing

#endif  // GPULET_CHECKPOINT_CRIU_PLUGIN_DRIVER_H_
