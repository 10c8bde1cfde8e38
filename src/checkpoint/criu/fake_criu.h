// FakeCriu: the CRIU internals the plugin looks up with dlsym, defined by a
// test executable built with ENABLE_EXPORTS (criu itself is -rdynamic):
// `opts` with final_state and timeout at CRIU 4.x's offsets, the inventory
// calls, interrupt-only mode and print_on_level, whose lines are kept.
//
// Test-only; not thread-safe (the plugin calls these from its hook thread).
#ifndef GPULET_CHECKPOINT_CRIU_FAKE_CRIU_H_
#define GPULET_CHECKPOINT_CRIU_FAKE_CRIU_H_

#include <string>
#include <vector>

namespace gpulet::checkpoint::criu::testing {

class FakeCriu {
 public:
  // Resets every value: final state TASK_DEAD, timeout 10 s, an empty
  // inventory, no log.
  static void Reset();
  static void SetFinalState(int state);
  static void SetTimeoutSeconds(unsigned seconds);
  // The plugin names in the image inventory (dump adds, restore takes).
  static std::vector<std::string>& Inventory();
  static bool interrupt_only();
  static const std::vector<std::string>& Log();
};

}  // namespace gpulet::checkpoint::criu::testing

#endif  // GPULET_CHECKPOINT_CRIU_FAKE_CRIU_H_
