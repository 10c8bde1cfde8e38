// The race that broke NVIDIA's GFD (issue #791): a writer replaces a file
// in a tight loop while a reader of another uid (as nfd-worker) reads it.
// With WriteFileAtomically the reader must never get "permission denied"
// and never see a partial or mixed file; the same harness run against a
// rename-then-chmod writer must catch that writer's bug.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "base/atomic_file.h"
#include "base/status_matchers.h"
#include "base/testing/other_user.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

constexpr int kReads = 100000;

using Writer = std::function<bool(const std::string& path, const std::string& text)>;

struct ReadStats {
  int reads = 0;
  int permission_denied = 0;
  int missing = 0;
  int torn = 0;  // neither of the two complete versions
};

// Two versions of a features.d file of different lengths, so that a
// partial or mixed read cannot pass for either.
std::string Version(char id, int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += std::string("nvidia.com/label-") + std::to_string(i) + "=" + id + "\n";
  }
  return text;
}

// The bug GFD had until v0.16.0: the file becomes visible with mkstemp's
// 0600 before it is made readable.
bool RenameThenChmod(const std::string& path, const std::string& text) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temp.c_str(), path.c_str()) == 0;
  return ok && ::chmod(path.c_str(), 0644) == 0;
}

bool Atomic(const std::string& path, const std::string& text) {
  return WriteFileAtomically(path, text, 0644).ok();
}

ReadStats ReadMany(const std::string& path, const std::string& a, const std::string& b,
                   bool stop_at_first_denial) {
  ReadStats stats;
  std::string buffer(a.size() + b.size() + 1, '\0');
  for (; stats.reads < kReads; ++stats.reads) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      (errno == EACCES ? stats.permission_denied : stats.missing)++;
      if (stop_at_first_denial && stats.permission_denied > 0) break;
      continue;
    }
    size_t size = 0;
    ssize_t n = 0;
    while ((n = ::read(fd, &buffer[size], buffer.size() - size)) > 0) size += n;
    ::close(fd);
    std::string_view got(buffer.data(), size);
    if (got != a && got != b) stats.torn++;
  }
  return stats;
}

class AtomicFileRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gpulet::testing::CanRunAsOtherUser()) {
      GTEST_SKIP() << "needs root to read as another uid (nobody); run as root";
    }
    char dir[] = "/tmp/gpulet-race-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    ASSERT_EQ(::chmod(dir, 0755), 0);
    path_ = dir_ + "/gfd";
  }
  void TearDown() override {
    if (!dir_.empty()) {
      ASSERT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0);
    }
  }

  // Runs `writer` in a loop in a child (as root) while a child as nobody
  // reads; returns what the reader saw.
  ReadStats Race(const Writer& writer, bool stop_at_first_denial) {
    const std::string a = Version('a', 40), b = Version('b', 41);
    EXPECT_TRUE(Atomic(path_, a));
    pid_t writer_pid = ::fork();
    if (writer_pid == 0) {
      for (unsigned i = 0;; ++i) {
        if (!writer(path_, i % 2 ? a : b)) ::_exit(1);
      }
    }
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    absl::StatusOr<int> code = gpulet::testing::RunAsNobody([&] {
      ReadStats stats = ReadMany(path_, a, b, stop_at_first_denial);
      return ::write(pipe_fds[1], &stats, sizeof(stats)) == sizeof(stats) ? 0 : 1;
    });
    ::kill(writer_pid, SIGKILL);
    ::waitpid(writer_pid, nullptr, 0);
    ReadStats stats;
    EXPECT_OK(code);
    EXPECT_EQ(::read(pipe_fds[0], &stats, sizeof(stats)), ssize_t{sizeof(stats)});
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return stats;
  }

  std::string dir_, path_;
};

TEST_F(AtomicFileRaceTest, ReaderOfAnotherUidNeverSeesABadFile) {
  ReadStats stats = Race(Atomic, false);
  EXPECT_EQ(stats.reads, kReads);
  EXPECT_EQ(stats.permission_denied, 0);
  EXPECT_EQ(stats.missing, 0);
  EXPECT_EQ(stats.torn, 0);
}

TEST_F(AtomicFileRaceTest, HarnessCatchesRenameBeforeChmod) {
  ReadStats stats = Race(RenameThenChmod, true);
  EXPECT_GT(stats.permission_denied, 0)
      << "the rename-then-chmod writer went unnoticed in " << stats.reads << " reads";
}

}  // namespace
}  // namespace gpulet
