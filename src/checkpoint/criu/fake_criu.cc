#include "checkpoint/criu/fake_criu.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "checkpoint/criu/criu_abi.h"

namespace {

std::vector<std::string> g_inventory;
std::vector<std::string> g_log;
bool g_interrupt_only = false;

}  // namespace

// The names and types CRIU exports; the layout of `opts` is only what
// criu_abi.h says about it.
extern "C" {
__attribute__((visibility("default"))) alignas(8) unsigned char opts[1024];

__attribute__((visibility("default"))) int add_inventory_plugin(const char* name) {
  if (std::find(g_inventory.begin(), g_inventory.end(), name) == g_inventory.end()) {
    g_inventory.push_back(name);
  }
  return 0;
}

__attribute__((visibility("default"))) bool check_and_remove_inventory_plugin(
    const char* name, size_t n) {
  auto it = std::find(g_inventory.begin(), g_inventory.end(), std::string(name, n));
  if (it == g_inventory.end()) return false;
  g_inventory.erase(it);
  return true;
}

__attribute__((visibility("default"))) void set_compel_interrupt_only_mode() {
  g_interrupt_only = true;
}

__attribute__((visibility("default"))) void print_on_level(unsigned, const char* format, ...) {
  char line[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  g_log.push_back(line);
}
}

namespace gpulet::checkpoint::criu::testing {

void FakeCriu::Reset() {
  std::memset(opts, 0, sizeof(opts));
  SetFinalState(kTaskDead);
  SetTimeoutSeconds(10);
  g_inventory.clear();
  g_log.clear();
  g_interrupt_only = false;
}

void FakeCriu::SetFinalState(int state) {
  std::memcpy(opts + kOptsFinalStateOffset, &state, sizeof(state));
}

void FakeCriu::SetTimeoutSeconds(unsigned seconds) {
  std::memcpy(opts + kOptsTimeoutOffset, &seconds, sizeof(seconds));
}

std::vector<std::string>& FakeCriu::Inventory() { return g_inventory; }
bool FakeCriu::interrupt_only() { return g_interrupt_only; }
const std::vector<std::string>& FakeCriu::Log() { return g_log; }

}  // namespace gpulet::checkpoint::criu::testing
