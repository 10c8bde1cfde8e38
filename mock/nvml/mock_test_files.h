// Test helpers for driving the mock NVML through files: temporary profile
// and control files, and appending control commands the way a test process
// (or any other writer) does. Test-only; not thread-safe across writers of
// the same path except through AppendControl's single O_APPEND write.
#ifndef GPULET_MOCK_NVML_MOCK_TEST_FILES_H_
#define GPULET_MOCK_NVML_MOCK_TEST_FILES_H_

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gpulet::mock {

namespace internal {

// Removes the files handed out by TempPathForTest when their test ends.
class TempFileCleaner : public ::testing::EmptyTestEventListener {
 public:
  static TempFileCleaner& Get() {
    static TempFileCleaner* cleaner = [] {
      auto* created = new TempFileCleaner;  // owned by gtest's listener list
      ::testing::UnitTest::GetInstance()->listeners().Append(created);
      return created;
    }();
    return *cleaner;
  }
  void Add(const std::string& path) { paths_.push_back(path); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    for (const std::string& path : paths_) unlink(path.c_str());
    paths_.clear();
  }

 private:
  std::vector<std::string> paths_;
};

}  // namespace internal

// A path under the test's temporary directory, unique per test case; the
// file is removed when the test ends.
inline std::string TempPathForTest(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string path = ::testing::TempDir() + "/" + info->test_suite_name() + "." +
                     info->name() + "." + std::to_string(getpid()) + "." + name;
  internal::TempFileCleaner::Get().Add(path);
  return path;
}

inline void WriteFileForTest(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Appends `line` and a newline in one write, so concurrent writers never
// interleave inside a command.
inline void AppendControl(const std::string& path, const std::string& line) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  const std::string text = line + "\n";
  ASSERT_EQ(write(fd, text.data(), text.size()),
            static_cast<ssize_t>(text.size()));
  close(fd);
}

// A one-or-two-GPU A100 40GB machine whose first GPU has the MIG devices
// given as YAML flow maps (one per line of `devices`, or "[]").
inline std::string A100ProfileForTest(const std::string& gpu0_devices,
                                      bool second_gpu = true) {
  std::string yaml =
      "driver_version: \"550.54.15\"\n"
      "cuda_driver_version: 12040\n"
      "gpus:\n"
      "  - name: NVIDIA A100-SXM4-40GB\n"
      "    uuid: GPU-00000000-0000-0000-0000-000000000000\n"
      "    minor: 0\n"
      "    pci: {bus_id: \"00000000:07:00.0\", device_id: 0x20B010DE, "
      "subsystem_id: 0x134F10DE}\n"
      "    memory: {total: 42949672960}\n"
      "    compute_capability: \"8.0\"\n"
      "    architecture: ampere\n"
      "    mig:\n"
      "      profiles: a100-40gb\n"
      "      mode: enabled\n"
      "      devices: " + gpu0_devices + "\n";
  if (second_gpu) {
    yaml +=
        "  - name: NVIDIA A100-SXM4-40GB\n"
        "    uuid: GPU-11111111-0000-0000-0000-000000000000\n"
        "    minor: 1\n"
        "    pci: {bus_id: \"00000000:0F:00.0\", device_id: 0x20B010DE, "
        "subsystem_id: 0x134F10DE}\n"
        "    memory: {total: 42949672960}\n"
        "    compute_capability: \"8.0\"\n"
        "    architecture: ampere\n"
        "    mig: {profiles: a100-40gb, mode: enabled, devices: [{gi: 0, "
        "profile: 7g.40gb, uuid: MIG-11111111-0000-0000-0000-000000000007}]}\n";
  }
  return yaml;
}

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_MOCK_TEST_FILES_H_
