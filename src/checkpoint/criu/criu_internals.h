// CriuInternals: what the plugin learns from, and tells, the CRIU process
// it is loaded in, through symbols CRIU exports (it is linked -rdynamic).
//
// They are looked up with dlsym(RTLD_DEFAULT) rather than left undefined
// as upstream's plugin does, so the same .so loads outside CRIU (the test
// driver, `ldd`): a symbol that is absent reads as "unknown", and callers
// then choose what leaves every process running and unlocked.
//
// Used by: opts.final_state (--leave-running), opts.timeout (--timeout),
// add_inventory_plugin / check_and_remove_inventory_plugin (the image
// records that it needs cuda_plugin), set_compel_interrupt_only_mode
// (ptrace interrupts instead of the cgroup freezer: lock needs running
// tasks), print_on_level (CRIU's log).
//
// Immutable after Lookup(); thread-safe.
#ifndef GPULET_CHECKPOINT_CRIU_CRIU_INTERNALS_H_
#define GPULET_CHECKPOINT_CRIU_CRIU_INTERNALS_H_

#include <chrono>
#include <optional>
#include <string>

namespace gpulet::checkpoint::criu {

class CriuInternals {
 public:
  // Resolves every symbol in the running process.
  static CriuInternals Lookup();

  // True when `opts` was found: the plugin runs inside CRIU.
  bool in_criu() const { return opts_ != nullptr; }

  // CRIU's --timeout; nullopt outside CRIU or when the value is not sane
  // (a CRIU whose `opts` layout differs).
  std::optional<std::chrono::seconds> Timeout() const;

  // Whether the dumped tasks keep running after the dump (--leave-running);
  // nullopt when that cannot be known.
  std::optional<bool> LeaveRunning() const;

  // Records `name` in the image's inventory. False when CRIU has no such
  // call (4.0) or it failed.
  bool AddInventoryPlugin(const char* name) const;

  // Whether the image being restored lists `name` (and takes it off the
  // list CRIU checks); nullopt when CRIU cannot say (4.0, or outside CRIU).
  std::optional<bool> TakeInventoryPlugin(const char* name) const;

  // Asks CRIU to seize with ptrace interrupts only; false when unavailable.
  bool SetInterruptOnlyMode() const;

  // One line to CRIU's log, or to stderr outside CRIU. `line` has no "\n".
  void Log(unsigned level, const std::string& line) const;

 private:
  using AddInventoryFn = int (*)(const char*);
  using TakeInventoryFn = bool (*)(const char*, size_t);
  using VoidFn = void (*)();
  using PrintFn = void (*)(unsigned, const char*, ...);

  const unsigned char* opts_ = nullptr;
  AddInventoryFn add_inventory_ = nullptr;
  TakeInventoryFn take_inventory_ = nullptr;
  VoidFn interrupt_only_ = nullptr;
  PrintFn print_ = nullptr;
};

}  // namespace gpulet::checkpoint::criu

#endif  // GPULET_CHECKPOINT_CRIU_CRIU_INTERNALS_H_
