#include "checkpoint_node.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gpulet::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string ContainerCgroup(const std::string& pod_uid, const std::string& container_id) {
  std::string slice_uid = pod_uid;
  for (char& c : slice_uid) {
    if (c == '-') c = '_';
  }
  return "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + slice_uid +
         ".slice/cri-containerd-" + container_id + ".scope\n";
}

CheckpointNode::CheckpointNode() {
  tree_.AddDirectory("/proc/driver/nvidia/gpus/0000:17:00.0");
  tree_.AddDirectory("/state");
  state_dir_ = tree_.PathOf("/state");
  const std::string tool = tree_.PathOf("/usr/bin/cuda-checkpoint");
  tree_.AddDirectory("/usr/bin");
  std::filesystem::copy_file(FAKE_CUDA_CHECKPOINT, tool);
  if (chmod(tool.c_str(), 0755) != 0) std::perror("chmod");
}

void CheckpointNode::AddProcess(pid_t pid, pid_t parent, const std::string& cgroup, bool cuda) {
  const std::string dir = "/proc/" + std::to_string(pid);
  tree_.AddFile(dir + "/stat", std::to_string(pid) + " (app) S " + std::to_string(parent) +
                                   " 1 1 0 -1\n");
  tree_.AddFile(dir + "/cgroup", cgroup);
  std::string maps = "55d0c0000000-55d0c0001000 r-xp 00000000 08:01 11 /usr/bin/app\n";
  if (cuda) {
    maps += "7f0000000000-7f0000100000 r-xp 00000000 08:01 12 "
            "/usr/lib/x86_64-linux-gnu/libcuda.so.1\n";
    tree_.AddFile("/state/" + std::to_string(pid),
                  "running " + std::to_string(pid + 100000) + "\n");
  }
  tree_.AddFile(dir + "/maps", maps);
}

CheckpointNode::~CheckpointNode() {
  stopping_ = true;
  for (std::thread& mirror : mirrors_) mirror.join();
}

void CheckpointNode::MirrorRealProcess(pid_t pid) {
  const std::string real = "/proc/" + std::to_string(pid);
  tree_.AddFile(real + "/cmdline", ReadAll(real + "/cmdline"));
  mirrors_.emplace_back([this, real] {
    while (!stopping_) {
      const std::string stat = ReadAll(real + "/stat");
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos || stat.compare(paren, 3, ") Z") == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    tree_.Remove(real);
  });
}

void CheckpointNode::RemoveGpu() { tree_.Remove("/proc/driver/nvidia/gpus/0000:17:00.0"); }

void CheckpointNode::Inject(const std::string& file, const std::string& content) {
  tree_.AddFile("/state/" + file, content);
}

void CheckpointNode::Clear(const std::string& file) { tree_.Remove("/state/" + file); }

std::string CheckpointNode::State(pid_t pid) const {
  std::string text = ReadAll(state_dir_ + "/" + std::to_string(pid));
  return text.substr(0, text.find(' '));
}

int CheckpointNode::Calls(const std::string& needle) const {
  std::istringstream log(ReadAll(state_dir_ + "/calls.log"));
  int count = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find(needle) != std::string::npos) ++count;
  }
  return count;
}

std::string CheckpointNode::CommandLine(const std::string& args) const {
  return "env FAKE_CUDA_CHECKPOINT_DIR=" + state_dir_ + " PATH=/usr/bin:/bin " +
         GPULET_BINARY + " checkpoint " + args + " --host-root " + tree_.prefix();
}

GpuletRun CheckpointNode::Run(const std::string& args, const std::string& env) const {
  return RunGpulet("FAKE_CUDA_CHECKPOINT_DIR=" + state_dir_ + " PATH=/usr/bin:/bin " + env,
                   "checkpoint " + args + " --host-root " + tree_.prefix());
}

}  // namespace gpulet::testing
