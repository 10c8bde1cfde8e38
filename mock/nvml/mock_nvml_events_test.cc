// Fault injection through the control file while a client runs: XID and
// ECC events (from this process and from another one), a GPU falling off
// the bus and coming back, and a profile reload that changes the MIG
// layout.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock/nvml/mock_test_files.h"
#include "mock/nvml/nvml_mock_loader.h"

extern char** environ;

namespace gpulet::mock {
namespace {

using ::testing::HasSubstr;

constexpr unsigned int kNoInstance = 0xFFFFFFFF;
constexpr unsigned int kLongWaitMs = 5000;

class EventsTest : public ::testing::Test {
 protected:
  void Init(const std::string& machine) {
    control_ = TempPathForTest("control");
    setenv("GPULET_MOCK_MACHINE", machine.c_str(), 1);
    setenv("GPULET_MOCK_CONTROL", control_.c_str(), 1);
    ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
    ASSERT_EQ(nvml_.nvmlEventSetCreate(&set_), NVML_SUCCESS);
  }
  void TearDown() override { nvml_.ShutdownAll(); }
  nvmlDevice_t Gpu(unsigned int i) {
    nvmlDevice_t d = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(i, &d), NVML_SUCCESS);
    return d;
  }
  void Register(unsigned int gpu, unsigned long long types) {
    ASSERT_EQ(nvml_.nvmlDeviceRegisterEvents(Gpu(gpu), types, set_),
              NVML_SUCCESS);
  }
  nvmlEventData_t Wait(unsigned int timeout_ms = kLongWaitMs) {
    nvmlEventData_t e{};
    EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, timeout_ms), NVML_SUCCESS);
    return e;
  }
  void ExpectNoEvent() {
    nvmlEventData_t e{};
    EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, 50), NVML_ERROR_TIMEOUT)
        << "unexpected event type " << e.eventType << " data " << e.eventData;
  }

  NvmlMockLoader nvml_;
  std::string control_;
  nvmlEventSet_t set_ = nullptr;
};

TEST_F(EventsTest, SupportedTypesPerGpu) {
  Init("hetero");
  unsigned long long types = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetSupportedEventTypes(Gpu(0), &types),
            NVML_SUCCESS);
  EXPECT_TRUE(types & nvmlEventMigConfigChange);
  EXPECT_TRUE(types & nvmlEventTypeXidCriticalError);
  ASSERT_EQ(nvml_.nvmlDeviceGetSupportedEventTypes(Gpu(2), &types),
            NVML_SUCCESS);
  EXPECT_FALSE(types & nvmlEventMigConfigChange) << "a T4 has no MIG";
  EXPECT_EQ(nvml_.nvmlDeviceRegisterEvents(Gpu(2), nvmlEventMigConfigChange,
                                           set_),
            NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(EventsTest, WaitTimesOut) {
  Init("t4");
  Register(0, nvmlEventTypeXidCriticalError);
  nvmlEventData_t e{};
  EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, 0), NVML_ERROR_TIMEOUT);
  EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, 30), NVML_ERROR_TIMEOUT);
  EXPECT_EQ(nvml_.nvmlEventSetFree(set_), NVML_SUCCESS);
  EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, 0),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(EventsTest, XidFromAnotherThreadWakesAWaiter) {
  Init("dgx-h100");
  Register(3, nvmlEventTypeXidCriticalError);
  std::thread injector([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    AppendControl(control_, "xid 3 48");
  });
  nvmlEventData_t e = Wait();
  injector.join();
  EXPECT_EQ(e.device, Gpu(3));
  EXPECT_EQ(e.eventType, static_cast<unsigned long long>(
                             nvmlEventTypeXidCriticalError));
  EXPECT_EQ(e.eventData, 48u);
  EXPECT_EQ(e.gpuInstanceId, kNoInstance);
  EXPECT_EQ(e.computeInstanceId, kNoInstance);
}

TEST_F(EventsTest, XidFromAnotherProcessByUuid) {
  Init("dgx-h100");
  Register(5, nvmlEventTypeXidCriticalError);
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlDeviceGetUUID(Gpu(5), uuid, sizeof(uuid)), NVML_SUCCESS);
  const std::string cmd =
      "echo 'xid " + std::string(uuid) + " 94  # from a shell' >> " + control_;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr,
                        const_cast<char**>(argv), environ),
            0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  nvmlEventData_t e = Wait();
  EXPECT_EQ(e.device, Gpu(5));
  EXPECT_EQ(e.eventData, 94u);
}

TEST_F(EventsTest, OnlyRegisteredTypesAndDevicesReceiveEvents) {
  Init("dgx-h100");
  Register(0, nvmlEventTypeDoubleBitEccError);
  AppendControl(control_, "xid 0 79");
  AppendControl(control_, "xid 1 79");
  ExpectNoEvent();
  AppendControl(control_, "ecc 0");
  nvmlEventData_t e = Wait();
  EXPECT_EQ(e.eventType, static_cast<unsigned long long>(
                             nvmlEventTypeDoubleBitEccError));
}

TEST_F(EventsTest, MigDeviceXidCarriesInstanceIdsAndTheParent) {
  Init("dgx-a100-mig");
  Register(3, nvmlEventTypeXidCriticalError);
  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(3), 2, &mig),
            NVML_SUCCESS);
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlDeviceGetUUID(mig, uuid, sizeof(uuid)), NVML_SUCCESS);
  EXPECT_EQ(nvml_.nvmlDeviceRegisterEvents(mig, nvmlEventTypeXidCriticalError,
                                           set_),
            NVML_ERROR_NOT_SUPPORTED);
  AppendControl(control_, "xid " + std::string(uuid) + " 31");
  AppendControl(control_, "xid 3 43 gi=13 ci=0");
  nvmlEventData_t e = Wait();
  EXPECT_EQ(e.device, Gpu(3));
  EXPECT_EQ(e.eventData, 31u);
  EXPECT_EQ(e.gpuInstanceId, 2u);  // the 3g.20gb instance
  EXPECT_EQ(e.computeInstanceId, 0u);
  e = Wait();
  EXPECT_EQ(e.gpuInstanceId, 13u);
}

TEST_F(EventsTest, LegacyWaitWritesOnlyTheOldFields) {
  Init("t4");
  Register(0, nvmlEventTypeXidCriticalError);
  AppendControl(control_, "xid 0 13");
  nvmlEventData_t e;
  std::memset(&e, 0x5a, sizeof(e));
  ASSERT_EQ(nvml_.nvmlEventSetWait(set_, &e, kLongWaitMs), NVML_SUCCESS);
  EXPECT_EQ(e.eventData, 13u);
  EXPECT_EQ(e.gpuInstanceId, 0x5a5a5a5au);
  EXPECT_EQ(e.computeInstanceId, 0x5a5a5a5au);
}

TEST_F(EventsTest, LostGpuReportsXid79ThenAnswersGpuIsLost) {
  Init("dgx-h100");
  Register(2, nvmlEventTypeXidCriticalError);
  nvmlDevice_t lost = Gpu(2);
  AppendControl(control_, "lost 2");
  nvmlEventData_t e = Wait();
  EXPECT_EQ(e.device, lost);
  EXPECT_EQ(e.eventData, 79u);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  EXPECT_EQ(nvml_.nvmlDeviceGetName(lost, name, sizeof(name)),
            NVML_ERROR_GPU_IS_LOST);
  nvmlDevice_t d = nullptr;
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(2, &d), NVML_ERROR_GPU_IS_LOST);
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 8u);
  EXPECT_EQ(nvml_.nvmlDeviceGetName(Gpu(3), name, sizeof(name)), NVML_SUCCESS);
  AppendControl(control_, "restore 2");
  EXPECT_EQ(nvml_.nvmlDeviceGetName(lost, name, sizeof(name)), NVML_SUCCESS);
}

TEST_F(EventsTest, FailMakesOneEntryPointAnswerAnErrorUntilClearedOrCounted) {
  Init("dgx-h100");
  AppendControl(control_, "fail nvmlEventSetCreate 999");
  nvmlEventSet_t set = nullptr;
  EXPECT_EQ(nvml_.nvmlEventSetCreate(&set), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(nvml_.nvmlEventSetCreate(&set), NVML_ERROR_UNKNOWN);
  // Other entry points are untouched.
  unsigned int count = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  AppendControl(control_, "fail nvmlEventSetCreate 0");
  EXPECT_EQ(nvml_.nvmlEventSetCreate(&set), NVML_SUCCESS);

  // An entry point whose work a shared helper does fails by its own name.
  AppendControl(control_, "fail nvmlEventSetWait_v2 999 1");
  nvmlEventData_t e{};
  EXPECT_EQ(nvml_.nvmlEventSetWait_v2(set_, &e, 0), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(nvml_.nvmlEventSetWait(set_, &e, 0), NVML_ERROR_TIMEOUT);

  AppendControl(control_, "fail nvmlDeviceGetCount_v2 15 1");
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
}

TEST_F(EventsTest, ReloadWithANewMigLayoutNotifiesTheChangedGpu) {
  const std::string profile = TempPathForTest("machine.yaml");
  WriteFileForTest(profile, A100ProfileForTest(
      "[{gi: 1, profile: 3g.20gb, uuid: MIG-00000000-0000-0000-0000-000000000001},"
      " {gi: 2, profile: 3g.20gb, uuid: MIG-00000000-0000-0000-0000-000000000002}]"));
  Init(profile);
  Register(0, nvmlEventMigConfigChange);
  Register(1, nvmlEventMigConfigChange);
  nvmlDevice_t kept = nullptr, dropped = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 0, &kept),
            NVML_SUCCESS);
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 1, &dropped),
            NVML_SUCCESS);
  WriteFileForTest(profile, A100ProfileForTest(
      "[{gi: 1, profile: 3g.20gb, uuid: MIG-00000000-0000-0000-0000-000000000001},"
      " {gi: 5, profile: 1g.5gb, placement: 4, uuid: MIG-00000000-0000-0000-0000-000000000005},"
      " {gi: 6, profile: 1g.5gb, uuid: MIG-00000000-0000-0000-0000-000000000006}]"));
  AppendControl(control_, "reload");
  nvmlEventData_t e = Wait();
  EXPECT_EQ(e.device, Gpu(0));
  EXPECT_EQ(e.eventType, static_cast<unsigned long long>(
                             nvmlEventMigConfigChange));
  ExpectNoEvent();  // GPU 1 did not change
  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 0, &mig),
            NVML_SUCCESS);
  EXPECT_EQ(mig, kept) << "a surviving MIG device keeps its handle";
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 2, &mig),
            NVML_SUCCESS);
  unsigned int gi = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceId(dropped, &gi),
            NVML_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstanceId(mig, &gi), NVML_SUCCESS);
  EXPECT_EQ(gi, 6u);
}

TEST_F(EventsTest, ReloadOfABadProfileChangesNothing) {
  const std::string profile = TempPathForTest("machine.yaml");
  WriteFileForTest(profile, A100ProfileForTest("[]"));
  Init(profile);
  WriteFileForTest(profile, "gpus: [");
  ::testing::internal::CaptureStderr();
  AppendControl(control_, "reload");
  AppendControl(control_, "frobnicate 3");
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr(profile + ":"));
  EXPECT_THAT(err, HasSubstr("invalid YAML"));
  EXPECT_THAT(err, HasSubstr("frobnicate"));
}

TEST_F(EventsTest, ReloadCanSwitchToAnotherProfile) {
  Init("t4");
  AppendControl(control_, "reload dgx-h100");
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 8u);
}

}  // namespace
}  // namespace gpulet::mock
