#include "base/signals.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using namespace std::chrono_literals;

TEST(SignalWatcherTest, TimesOutWithoutSignal) {
  ASSERT_OK_AND_ASSIGN(SignalWatcher watcher, SignalWatcher::Open({SIGUSR1}));
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(std::optional<int> signal, watcher.Wait(50ms));
  EXPECT_EQ(signal, std::nullopt);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST(SignalWatcherTest, ReturnsPendingSignal) {
  ASSERT_OK_AND_ASSIGN(SignalWatcher watcher, SignalWatcher::Open({SIGUSR1, SIGUSR2}));
  ASSERT_EQ(::raise(SIGUSR2), 0);
  ASSERT_OK_AND_ASSIGN(std::optional<int> signal, watcher.Wait(0ns));
  EXPECT_EQ(signal, SIGUSR2);
  ASSERT_OK_AND_ASSIGN(signal, watcher.Wait(0ns));
  EXPECT_EQ(signal, std::nullopt);
}

TEST(SignalWatcherTest, SignalFromAnotherProcessEndsALongWaitPromptly) {
  ASSERT_OK_AND_ASSIGN(SignalWatcher watcher, SignalWatcher::Open({SIGTERM}));
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::usleep(50000);
    ::kill(parent, SIGTERM);
    ::_exit(0);
  }
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(std::optional<int> signal,
                       watcher.Wait(std::chrono::nanoseconds::max()));
  EXPECT_EQ(signal, SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
}

TEST(SignalWatcherTest, RestoresTheMaskWhenDestroyed) {
  {
    ASSERT_OK_AND_ASSIGN(SignalWatcher watcher, SignalWatcher::Open({SIGUSR1}));
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    EXPECT_EQ(sigismember(&mask, SIGUSR1), 1);
  }
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_EQ(sigismember(&mask, SIGUSR1), 0);
}

TEST(SignalWatcherTest, InvalidSignalIsInvalidArgument) {
  EXPECT_THAT(SignalWatcher::Open({0x7fff}),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet
