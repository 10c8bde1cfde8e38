#include "base/atomic_file.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/status_matchers.h"
#include "base/testing/other_user.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/gpulet-atomic-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    // World-readable so that a child running as nobody can look inside.
    ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  }
  void TearDown() override {
    std::string command = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }

  std::vector<std::string> Entries() {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    return names;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, CreatesFileWithContentsAndMode) {
  std::string path = dir_ + "/gfd";
  ASSERT_OK(WriteFileAtomically(path, "a=b\n", 0644));
  EXPECT_EQ(Read(path), "a=b\n");
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_THAT(Entries(), ElementsAre("gfd"));
}

TEST_F(AtomicFileTest, ModeIsNotNarrowedByUmask) {
  mode_t old = ::umask(077);
  std::string path = dir_ + "/gfd";
  absl::Status status = WriteFileAtomically(path, "x", 0644);
  ::umask(old);
  ASSERT_OK(status);
  EXPECT_EQ(ModeOf(path), 0644u);
}

TEST_F(AtomicFileTest, ReplacesExistingFileAndLeavesNoTempFile) {
  std::string path = dir_ + "/gfd";
  ASSERT_OK(WriteFileAtomically(path, "old contents\n", 0600));
  ASSERT_OK(WriteFileAtomically(path, "new\n", 0644));
  EXPECT_EQ(Read(path), "new\n");
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_THAT(Entries(), ElementsAre("gfd"));
}

TEST_F(AtomicFileTest, WritesEmptyContents) {
  std::string path = dir_ + "/empty";
  ASSERT_OK(WriteFileAtomically(path, "", 0644));
  EXPECT_EQ(Read(path), "");
}

TEST_F(AtomicFileTest, MissingDirectoryIsNotFound) {
  std::string path = dir_ + "/no/such/dir/gfd";
  EXPECT_THAT(WriteFileAtomically(path, "x", 0644),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("\"" + path + "\": creating the temp file")));
}

TEST_F(AtomicFileTest, PathThatIsADirectoryFailsAndLeavesItUntouched) {
  std::string path = dir_ + "/features.d";
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  EXPECT_THAT(WriteFileAtomically(path, "x", 0644),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("rename of the temp file")));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_THAT(Entries(), ElementsAre("features.d"));
}

TEST_F(AtomicFileTest, PathEndingInSlashIsInvalidArgument) {
  EXPECT_THAT(WriteFileAtomically(dir_ + "/", "x", 0644),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("names no file")));
}

TEST_F(AtomicFileTest, UnwritableDirectoryIsPermissionDeniedAndKeepsOldFile) {
  if (!gpulet::testing::CanRunAsOtherUser()) {
    GTEST_SKIP() << "needs root to write as another uid (nobody)";
  }
  std::string path = dir_ + "/gfd";
  ASSERT_OK(WriteFileAtomically(path, "previous\n", 0644));
  // The directory is root's and 0755: nobody may not create the temp file.
  absl::StatusOr<int> code = gpulet::testing::RunAsNobody([&] {
    absl::Status status = WriteFileAtomically(path, "new\n", 0644);
    if (status.code() != absl::StatusCode::kPermissionDenied) return 1;
    if (status.message().find(path) == absl::string_view::npos) return 2;
    return 0;
  });
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(Read(path), "previous\n");
  EXPECT_THAT(Entries(), ElementsAre("gfd"));
}

TEST_F(AtomicFileTest, RelativePathWritesInCurrentDirectory) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(::chdir(dir_.c_str()), 0);
  absl::Status status = WriteFileAtomically("relative", "r", 0644);
  ASSERT_EQ(::chdir(cwd), 0);
  ASSERT_OK(status);
  EXPECT_EQ(Read(dir_ + "/relative"), "r");
}

}  // namespace
}  // namespace gpulet
