// The part of CRIU's plugin ABI this plugin uses, declared here rather than
// taken from <criu-plugin.h>: Debian ships CRIU 3.17's header, which stops
// at hook 9 and would make the plugin load-incompatible with CRIU 4.x.
//
// CRIU 4.0-4.2 find a plugin through its CR_PLUGIN_DESC symbol, reject a
// descriptor whose max_hooks exceeds their own CR_PLUGIN_HOOK__MAX (12 in
// 4.0/4.1, 13 in 4.2: "Corrupted plugin"), so max_hooks is 12.
//
// Plain declarations; nothing here has state.
#ifndef GPULET_CHECKPOINT_CRIU_CRIU_ABI_H_
#define GPULET_CHECKPOINT_CRIU_CRIU_ABI_H_

#include <cstddef>

namespace gpulet::checkpoint::criu {

// CRIU_PLUGIN_VERSION 0.2.0 as (major << 16 | minor << 8 | sublevel).
inline constexpr unsigned kPluginVersion = 0x200;
inline constexpr unsigned kMaxHooks = 12;

// The hooks this plugin implements (CR_PLUGIN_HOOK__*).
inline constexpr int kHookResumeDevicesLate = 9;
inline constexpr int kHookPauseDevices = 10;
inline constexpr int kHookCheckpointDevices = 11;

// Stages passed to init and fini (CR_PLUGIN_STAGE__*).
inline constexpr int kStageDump = 0;
inline constexpr int kStagePreDump = 1;
inline constexpr int kStageRestore = 2;

// CRIU's log levels for print_on_level().
inline constexpr unsigned kLogError = 1;
inline constexpr unsigned kLogWarn = 2;
inline constexpr unsigned kLogInfo = 3;
inline constexpr unsigned kLogDebug = 4;

// Task states of `opts.final_state` (COMPEL_TASK_*).
inline constexpr int kTaskAlive = 1;
inline constexpr int kTaskDead = 2;
inline constexpr int kTaskStopped = 3;

// Offsets in CRIU's `struct cr_options opts`, the same in 4.0, 4.1, 4.1.1
// and 4.2 (x86_64).
inline constexpr size_t kOptsFinalStateOffset = 0;
inline constexpr size_t kOptsTimeoutOffset = 352;

extern "C" {
struct CriuPluginDesc {
  const char* name;
  int (*init)(int stage);
  void (*exit)(int stage, int ret);
  unsigned version;
  unsigned max_hooks;
  void* hooks[kMaxHooks];
};
}

static_assert(offsetof(CriuPluginDesc, init) == 8);
static_assert(offsetof(CriuPluginDesc, exit) == 16);
static_assert(offsetof(CriuPluginDesc, version) == 24);
static_assert(offsetof(CriuPluginDesc, max_hooks) == 28);
static_assert(offsetof(CriuPluginDesc, hooks) == 32);

}  // namespace gpulet::checkpoint::criu

#endif  // GPULET_CHECKPOINT_CRIU_CRIU_ABI_H_
