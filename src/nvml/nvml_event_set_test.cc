// NvmlEventSet against the mock NVML library, with XIDs injected through
// the mock's control file.
#include "nvml/nvml_event_set.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"

namespace gpulet::nvml {
namespace {

using ::gpulet::testing::StatusIs;
using namespace std::chrono_literals;

class NvmlEventSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_ = std::filesystem::temp_directory_path() /
               ("gpulet-event-control-" + std::to_string(getpid()));
    std::filesystem::remove(control_);
    ASSERT_EQ(setenv("GPULET_MOCK_CONTROL", control_.c_str(), 1), 0);
    ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1), 0);
    ASSERT_OK_AND_ASSIGN(library_, NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  }
  void TearDown() override { std::filesystem::remove(control_); }

  void Control(const std::string& line) {
    std::ofstream(control_, std::ios::app) << line << "\n";
  }

  std::filesystem::path control_;
  std::shared_ptr<const NvmlLibrary> library_;
};

TEST_F(NvmlEventSetTest, WaitTimesOutWithDeadlineExceeded) {
  ASSERT_OK_AND_ASSIGN(NvmlEventSet set, NvmlEventSet::Create(library_));
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, 0));
  ASSERT_OK(set.Register(gpu, nvmlEventTypeXidCriticalError));
  EXPECT_THAT(set.Wait(20ms), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                       ::testing::HasSubstr("nvmlEventSetWait_v2")));
}

TEST_F(NvmlEventSetTest, InjectedXidIsDeliveredToTheRegisteredSet) {
  ASSERT_OK_AND_ASSIGN(NvmlEventSet set, NvmlEventSet::Create(library_));
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, 3));
  ASSERT_OK_AND_ASSIGN(uint64_t supported, gpu.SupportedEventTypes());
  ASSERT_NE(supported & nvmlEventTypeXidCriticalError, 0u);
  ASSERT_OK(set.Register(gpu, nvmlEventTypeXidCriticalError));
  std::thread injector([this] {
    std::this_thread::sleep_for(20ms);
    Control("xid 3 79");
  });
  absl::StatusOr<Event> event = set.Wait(5s);
  injector.join();
  ASSERT_OK(event);
  EXPECT_EQ(event->type, static_cast<uint64_t>(nvmlEventTypeXidCriticalError));
  EXPECT_EQ(event->data, 79u);
  EXPECT_EQ(event->device, gpu.handle());
  EXPECT_EQ(event->gpu_instance_id, std::nullopt);
}

TEST_F(NvmlEventSetTest, EventsOfUnregisteredDevicesAreNotDelivered) {
  ASSERT_OK_AND_ASSIGN(NvmlEventSet set, NvmlEventSet::Create(library_));
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu0, NvmlDevice::ByIndex(library_, 0));
  ASSERT_OK(set.Register(gpu0, nvmlEventTypeXidCriticalError));
  Control("xid 1 48");
  EXPECT_THAT(set.Wait(50ms), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(NvmlEventSetTest, MovedFromSetIsInert) {
  ASSERT_OK_AND_ASSIGN(NvmlEventSet set, NvmlEventSet::Create(library_));
  NvmlEventSet moved = std::move(set);
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, 0));
  EXPECT_OK(moved.Register(gpu, nvmlEventTypeXidCriticalError));
}

}  // namespace
}  // namespace gpulet::nvml
