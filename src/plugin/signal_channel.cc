#include "plugin/signal_channel.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {

absl::StatusOr<std::unique_ptr<SignalChannel>> SignalChannel::Create() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&set, signal);
  if (int error = pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0) {
    return absl::UnavailableError(absl::StrCat("pthread_sigmask: ", std::strerror(error)));
  }
  int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("signalfd: ", std::strerror(errno)));
  }
  return std::unique_ptr<SignalChannel>(new SignalChannel(fd));
}

SignalChannel::~SignalChannel() { close(fd_); }

std::vector<ManagerEvent> SignalChannel::Drain() {
  std::vector<ManagerEvent> out;
  signalfd_siginfo info;
  while (read(fd_, &info, sizeof(info)) == sizeof(info)) {
    spdlog::info("Received signal {} ({})", info.ssi_signo, strsignal(info.ssi_signo));
    out.push_back({info.ssi_signo == SIGHUP ? ManagerEvent::Kind::kReload
                                            : ManagerEvent::Kind::kStop,
                   ""});
  }
  return out;
}

}  // namespace gpulet::plugin
