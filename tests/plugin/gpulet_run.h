// RunGpulet: runs the gpulet binary to completion, for process tests of
// its subcommands — exit code, stdout and (separately) stderr.
//
// Test-only; thread-compatible.
#ifndef GPULET_TESTS_PLUGIN_GPULET_RUN_H_
#define GPULET_TESTS_PLUGIN_GPULET_RUN_H_

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace gpulet::testing {

struct GpuletRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` is prepended through env(1) ("A=1 B=2"), `args` follow the binary;
// both go through the shell.
inline GpuletRun RunGpulet(const std::string& env, const std::string& args) {
  std::string err_path = std::filesystem::temp_directory_path() /
                         ("gpulet-run-" + std::to_string(getpid()) + ".err");
  std::string command = "env " + env + " " + GPULET_BINARY + " " + args + " 2>" + err_path;
  GpuletRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  run.err.assign(std::istreambuf_iterator<char>(err), {});
  std::error_code error;
  std::filesystem::remove(err_path, error);
  return run;
}

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_GPULET_RUN_H_
