#include "labels/label_file_writer.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "base/status_matchers.h"
#include "base/testing/other_user.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labels/gfd_labeler.h"

namespace gpulet::labels {
namespace {

using namespace std::chrono_literals;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class LabelFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/gpulet-features-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    ASSERT_EQ(::chmod(dir, 0755), 0);
    path_ = dir_ + "/gfd";
  }
  void TearDown() override {
    ASSERT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string dir_, path_;
  WallTime now_ = std::chrono::system_clock::from_time_t(1724632719);
  LabelMap labels_ = {{kTimestampLabel, "1724632719"}, {"nvidia.com/gpu.count", "8"}};
};

TEST_F(LabelFileWriterTest, WritesLabelsWithExpiryFourIntervalsAhead) {
  LabelFileWriter writer(path_, 60s);
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(labels_, now_));
  EXPECT_TRUE(written);
  EXPECT_EQ(Read(path_), "# +expiry-time=2024-08-26T00:42:39Z\n"
                         "nvidia.com/gfd.timestamp=1724632719\n"
                         "nvidia.com/gpu.count=8\n");
  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(LabelFileWriterTest, RewritesOnlyWhenLabelsChange) {
  LabelFileWriter writer(path_, 60s);
  ASSERT_OK(writer.Update(labels_, now_));
  LabelMap same = labels_;
  same[kTimestampLabel] = "1724639999";  // the timestamp alone does not count
  EXPECT_EQ(writer.Update(same, now_ + 60s).value(), false);
  LabelMap changed = labels_;
  changed["nvidia.com/gpu.count"] = "7";
  EXPECT_EQ(writer.Update(changed, now_ + 120s).value(), true);
  EXPECT_THAT(Read(path_), HasSubstr("gpu.count=7"));
}

TEST_F(LabelFileWriterTest, RefreshesTheExpiryBeforeItIsNear) {
  LabelFileWriter writer(path_, 60s);
  ASSERT_OK(writer.Update(labels_, now_));
  EXPECT_EQ(writer.Update(labels_, now_ + 60s).value(), false);
  EXPECT_EQ(writer.Update(labels_, now_ + 121s).value(), true);
  EXPECT_THAT(Read(path_), StartsWith("# +expiry-time=2024-08-26T00:44:40Z\n"));
}

TEST_F(LabelFileWriterTest, ANewWriterKeepsAnUpToDateFile) {
  ASSERT_OK(LabelFileWriter(path_, 60s).Update(labels_, now_));
  // A reload or restart: new writer, new timestamp, same labels.
  LabelFileWriter again(path_, 60s);
  LabelMap restamped = labels_;
  restamped[kTimestampLabel] = "1724639999";
  EXPECT_EQ(again.Update(restamped, now_ + 10s).value(), false);
  EXPECT_THAT(Read(path_), HasSubstr("gfd.timestamp=1724632719"));
  // Its expiry still counts.
  EXPECT_EQ(again.Update(restamped, now_ + 121s).value(), true);
  // A file it cannot parse is replaced.
  {
    std::ofstream(path_, std::ios::trunc) << "not a label\n";
  }
  EXPECT_EQ(LabelFileWriter(path_, 60s).Update(labels_, now_).value(), true);
}

TEST_F(LabelFileWriterTest, SubSecondIntervalsExpireInTheFuture) {
  LabelFileWriter writer(path_, 100ms);
  const WallTime now = now_ + 300ms;
  ASSERT_OK(writer.Update(labels_, now));
  ASSERT_OK_AND_ASSIGN(LabelFileContents contents, ParseLabelFile(Read(path_)));
  ASSERT_TRUE(contents.expiry.has_value());
  EXPECT_GT(*contents.expiry, now + 400ms - 1ms);
}

TEST_F(LabelFileWriterTest, InfiniteSleepWritesNoExpiry) {
  LabelFileWriter writer(path_, std::chrono::nanoseconds::max());
  ASSERT_OK(writer.Update(labels_, now_));
  EXPECT_THAT(Read(path_), StartsWith("nvidia.com/gfd.timestamp="));
  EXPECT_EQ(writer.Update(labels_, now_ + 1000h).value(), false);
}

TEST_F(LabelFileWriterTest, RewritesAFileThatVanished) {
  LabelFileWriter writer(path_, 60s);
  ASSERT_OK(writer.Update(labels_, now_));
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  EXPECT_EQ(writer.Update(labels_, now_ + 1s).value(), true);
}

TEST_F(LabelFileWriterTest, RemoveDeletesTheFileAndToleratesItsAbsence) {
  LabelFileWriter writer(path_, 60s);
  ASSERT_OK(writer.Update(labels_, now_));
  ASSERT_OK(writer.Remove());
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
  EXPECT_OK(writer.Remove());
}

TEST_F(LabelFileWriterTest, OutputPathThatIsADirectoryFailsClearly) {
  ASSERT_EQ(::mkdir(path_.c_str(), 0755), 0);
  LabelFileWriter writer(path_, 60s);
  EXPECT_THAT(writer.Update(labels_, now_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(path_)));
}

TEST_F(LabelFileWriterTest, MissingDirectoryFailsClearly) {
  LabelFileWriter writer(dir_ + "/missing/gfd", 60s);
  EXPECT_THAT(writer.Update(labels_, now_),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing/gfd")));
}

TEST_F(LabelFileWriterTest, UnwritableDirectoryKeepsThePreviousFile) {
  if (!gpulet::testing::CanRunAsOtherUser()) {
    GTEST_SKIP() << "needs root to write as another uid (nobody)";
  }
  LabelFileWriter root_writer(path_, 60s);
  ASSERT_OK(root_writer.Update(labels_, now_));
  std::string before = Read(path_);
  absl::StatusOr<int> code = gpulet::testing::RunAsNobody([&] {
    LabelFileWriter writer(path_, 60s);
    LabelMap changed = {{"nvidia.com/gpu.count", "1"}};
    absl::StatusOr<bool> result = writer.Update(changed, now_);
    return result.status().code() == absl::StatusCode::kPermissionDenied ? 0 : 1;
  });
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(Read(path_), before);
}

TEST_F(LabelFileWriterTest, RefusesFilesNfdWouldSkip) {
  LabelMap huge;
  for (int i = 0; i < 2000; ++i) {
    huge["nvidia.com/label-" + std::to_string(i)] = std::string(40, 'v');
  }
  LabelFileWriter writer(path_, 60s);
  EXPECT_THAT(writer.Update(huge, now_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("65536")));
}

}  // namespace
}  // namespace gpulet::labels
