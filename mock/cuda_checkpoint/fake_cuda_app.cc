// A process for checkpoint tests: optionally dlopen()s a (fake) libcuda,
// optionally forks children that do the same, writes its pid to a ready
// file, then sleeps until killed.
//
//   fake_cuda_app [--lib PATH] [--children N] [--cuda-children K] READY_FILE
//
// The first K of the N children load the library too; the parent loads it
// when --lib is given. Each process of the tree appends "<pid> cuda|plain"
// to READY_FILE once it is ready, so a test waits for N + 1 lines.
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void Announce(const std::string& file, bool cuda) {
  std::string line = std::to_string(getpid()) + (cuda ? " cuda\n" : " plain\n");
  int fd = open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, line.data(), line.size()) < 0) std::perror("ready file");
  if (fd >= 0) close(fd);
}

bool Load(const std::string& lib) {
  if (lib.empty()) return false;
  if (dlopen(lib.c_str(), RTLD_NOW) == nullptr) {
    std::fprintf(stderr, "fake_cuda_app: %s\n", dlerror());
    std::exit(1);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string lib, ready;
  int children = 0, cuda_children = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--lib" && i + 1 < argc) lib = argv[++i];
    else if (arg == "--children" && i + 1 < argc) children = std::atoi(argv[++i]);
    else if (arg == "--cuda-children" && i + 1 < argc) cuda_children = std::atoi(argv[++i]);
    else ready = arg;
  }
  if (ready.empty()) {
    std::fprintf(stderr, "usage: fake_cuda_app [--lib PATH] [--children N] "
                         "[--cuda-children K] READY_FILE\n");
    return 2;
  }
  for (int c = 0; c < children; ++c) {
    if (fork() == 0) {
      Announce(ready, c < cuda_children && Load(lib));
      for (;;) pause();
    }
  }
  Announce(ready, Load(lib));
  for (;;) pause();
}
