#include "checkpoint/criu/criu_internals.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>

#include "checkpoint/criu/criu_abi.h"

namespace gpulet::checkpoint::criu {
namespace {

template <typename T>
T Find(const char* name) {
  return reinterpret_cast<T>(dlsym(RTLD_DEFAULT, name));
}

template <typename T>
T ReadAt(const unsigned char* base, size_t offset) {
  T value;
  std::memcpy(&value, base + offset, sizeof(value));
  return value;
}

}  // namespace

CriuInternals CriuInternals::Lookup() {
  CriuInternals c;
  c.opts_ = Find<const unsigned char*>("opts");
  c.add_inventory_ = Find<AddInventoryFn>("add_inventory_plugin");
  c.take_inventory_ = Find<TakeInventoryFn>("check_and_remove_inventory_plugin");
  c.interrupt_only_ = Find<VoidFn>("set_compel_interrupt_only_mode");
  c.print_ = Find<PrintFn>("print_on_level");
  return c;
}

std::optional<std::chrono::seconds> CriuInternals::Timeout() const {
  if (opts_ == nullptr) return std::nullopt;
  unsigned timeout = ReadAt<unsigned>(opts_, kOptsTimeoutOffset);
  // CRIU's default is 10 s; a value outside a day means the layout differs.
  if (timeout == 0 || timeout > 24 * 3600) return std::nullopt;
  return std::chrono::seconds(timeout);
}

std::optional<bool> CriuInternals::LeaveRunning() const {
  if (opts_ == nullptr) return std::nullopt;
  int state = ReadAt<int>(opts_, kOptsFinalStateOffset);
  if (state == kTaskAlive) return true;
  if (state == kTaskDead || state == kTaskStopped) return false;
  return std::nullopt;
}

bool CriuInternals::AddInventoryPlugin(const char* name) const {
  return add_inventory_ != nullptr && add_inventory_(name) == 0;
}

std::optional<bool> CriuInternals::TakeInventoryPlugin(const char* name) const {
  if (take_inventory_ == nullptr) return std::nullopt;
  return take_inventory_(name, std::strlen(name));
}

bool CriuInternals::SetInterruptOnlyMode() const {
  if (interrupt_only_ == nullptr) return false;
  interrupt_only_();
  return true;
}

void CriuInternals::Log(unsigned level, const std::string& line) const {
  if (print_ != nullptr) {
    print_(level, "cuda_plugin: %s\n", line.c_str());
  } else {
    std::fprintf(stderr, "cuda_plugin: %s\n", line.c_str());
  }
}

}  // namespace gpulet::checkpoint::criu
