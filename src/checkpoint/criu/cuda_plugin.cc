// The C entry points of cuda_plugin.so: CRIU's descriptor and hooks,
// forwarding to one PluginSession. Nothing C++ crosses this boundary: no
// exception escapes a hook (each catches all and fails the hook).
//
// The session is a global because CRIU's ABI gives hooks no context
// pointer; init creates it and fini destroys it, both on CRIU's main
// thread.
#include <cerrno>
#include <memory>

#include "checkpoint/criu/criu_abi.h"
#include "checkpoint/criu/plugin_session.h"
#include "config/environment.h"

namespace gpulet::checkpoint::criu {
namespace {

std::unique_ptr<PluginSession> g_session;

template <typename Call>
int Guarded(Call call) {
  if (!g_session) return -ENOTSUP;
  try {
    return call(*g_session);
  } catch (...) {
    CriuInternals::Lookup().Log(kLogError, "internal error (exception) in a hook");
    return -1;
  }
}

extern "C" int CudaPluginInit(int stage) {
  try {
    g_session = std::make_unique<PluginSession>(
        PluginConfig::FromEnvironment(Environment::FromProcess()), CriuInternals::Lookup());
    return g_session->Init(stage);
  } catch (...) {
    g_session.reset();
    return 0;  // disabled rather than aborting CRIU
  }
}

extern "C" void CudaPluginFini(int stage, int ret) {
  try {
    if (g_session) g_session->Fini(stage, ret);
  } catch (...) {
    CriuInternals::Lookup().Log(kLogError, "internal error (exception) in fini");
  }
  g_session.reset();
}

extern "C" int CudaPluginPauseDevices(int pid) {
  return Guarded([pid](PluginSession& s) { return s.PauseDevices(pid); });
}
extern "C" int CudaPluginCheckpointDevices(int pid) {
  return Guarded([pid](PluginSession& s) { return s.CheckpointDevices(pid); });
}
extern "C" int CudaPluginResumeDevicesLate(int pid) {
  return Guarded([pid](PluginSession& s) { return s.ResumeDevicesLate(pid); });
}

CriuPluginDesc MakeDesc() {
  CriuPluginDesc desc{kPluginName, CudaPluginInit, CudaPluginFini, kPluginVersion, kMaxHooks,
                      {}};
  desc.hooks[kHookResumeDevicesLate] = reinterpret_cast<void*>(CudaPluginResumeDevicesLate);
  desc.hooks[kHookPauseDevices] = reinterpret_cast<void*>(CudaPluginPauseDevices);
  desc.hooks[kHookCheckpointDevices] = reinterpret_cast<void*>(CudaPluginCheckpointDevices);
  return desc;
}

}  // namespace
}  // namespace gpulet::checkpoint::criu

// What CRIU looks up with dlsym; the only symbol the .so exports.
extern "C" {
__attribute__((visibility("default")))
gpulet::checkpoint::criu::CriuPluginDesc CR_PLUGIN_DESC = gpulet::checkpoint::criu::MakeDesc();
}
