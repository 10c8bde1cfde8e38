// A fake libcuda.so.1: a process that dlopen()s it maps "libcuda.so.1"
// and so looks like a CUDA process to gpulet's discovery.
//
// When $FAKE_CUDA_CHECKPOINT_DIR is set, loading it also starts a thread
// that stands for the CUDA restore thread (it only sleeps) and registers
// the process with the fake cuda-checkpoint as "running <that thread's
// TID>". A few driver entry points exist so the library is not empty.
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int g_ready[2] = {-1, -1};

void* RestoreThread(void*) {
  long tid = syscall(SYS_gettid);
  const char* dir = std::getenv("FAKE_CUDA_CHECKPOINT_DIR");
  std::string path = std::string(dir) + "/" + std::to_string(getpid());
  std::string tmp = path + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fprintf(f, "running %ld\n", tid);
    std::fclose(f);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) std::perror("fake libcuda: rename");
  }
  char byte = 1;
  if (write(g_ready[1], &byte, 1) != 1) std::perror("fake libcuda: ready");
  for (;;) pause();
  return nullptr;
}

__attribute__((constructor)) void Register() {
  if (std::getenv("FAKE_CUDA_CHECKPOINT_DIR") == nullptr) return;
  if (pipe(g_ready) != 0) return;
  pthread_t thread;
  if (pthread_create(&thread, nullptr, RestoreThread, nullptr) != 0) return;
  char byte;
  if (read(g_ready[0], &byte, 1) != 1) std::perror("fake libcuda: wait");
  close(g_ready[0]);
  close(g_ready[1]);
}

}  // namespace

extern "C" {
__attribute__((visibility("default"))) int cuInit(unsigned int) { return 0; }
__attribute__((visibility("default"))) int cuDriverGetVersion(int* version) {
  *version = 12080;
  return 0;
}
}
