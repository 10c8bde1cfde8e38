// FixtureTree: a fake node filesystem in a temp dir, for tests of hostfs and
// of the modules built on it (inventory, CDI).
//
// Files are named by their *host* path ("/proc/driver/nvidia/gpus/..."); the
// tree puts them under its temp dir, which a test passes to
// HostView::AtPrefix(). Device nodes are empty regular files because tests
// run without CAP_MKNOD. The dir is removed when the tree is destroyed.
//
// Test-only; not thread-safe.
//
// Example:
//   FixtureTree tree;
//   tree.AddDeviceNode("/dev/nvidiactl");
//   tree.AddGpu("/", 0, "0000:17:00.0", /*numa_node=*/1);
//   ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
#ifndef GPULET_HOSTFS_TESTING_FIXTURE_TREE_H_
#define GPULET_HOSTFS_TESTING_FIXTURE_TREE_H_

#include <string>
#include <string_view>

namespace gpulet::hostfs::testing {

class FixtureTree {
 public:
  // Creates an empty temp dir under $TMPDIR (or /tmp). Aborts the test
  // binary if that fails: nothing can be tested without it.
  FixtureTree();
  ~FixtureTree();
  FixtureTree(const FixtureTree&) = delete;
  FixtureTree& operator=(const FixtureTree&) = delete;

  // The temp dir: where the fake host's "/" is.
  const std::string& prefix() const { return prefix_; }

  // Where host path `host_path` is in the tree (prefix + host_path).
  std::string PathOf(std::string_view host_path) const;

  // Each creates missing parent dirs and replaces an existing entry; a
  // failure aborts (a broken fixture would make any assertion meaningless).
  void AddFile(std::string_view host_path, std::string_view contents);
  void AddDirectory(std::string_view host_path);
  // `target` is stored verbatim: an absolute target means a host path.
  void AddSymlink(std::string_view host_path, std::string_view target);
  void AddDeviceNode(std::string_view host_path);
  void Remove(std::string_view host_path);

  // Appends a mountinfo line for a tmpfs mounted at host path `host_dir` to
  // /proc/self/mountinfo, with the mount point written as gpulet sees it
  // from outside the tree (prefix + host_dir), as the kernel would for a
  // gpulet whose host is mounted at the prefix.
  void AddTmpfsMount(std::string_view host_dir);

  // Adds the procfs and sysfs entries of one GPU as the driver creates them:
  // /proc/driver/nvidia/gpus/<sysfs bus id>/information and
  // /sys/bus/pci/devices/<sysfs bus id>/numa_node (-1 for none), and the
  // node <dev_root>/dev/nvidia<minor>.
  void AddGpu(std::string_view dev_root, int minor,
              std::string_view sysfs_bus_id, int numa_node);

  // Adds the four control nodes under <dev_root>/dev.
  void AddControlNodes(std::string_view dev_root);

  // Writes a regular file for libnvidia-ml.so.<version> in
  // <driver_root>/<lib_dir> with the usual libnvidia-ml.so.1 symlink next
  // to it (relative target).
  void AddNvmlLibrary(std::string_view driver_root, std::string_view lib_dir,
                      std::string_view version);

 private:
  std::string prefix_;
  std::string mountinfo_;
  int next_mount_id_ = 100;
};

}  // namespace gpulet::hostfs::testing

#endif  // GPULET_HOSTFS_TESTING_FIXTURE_TREE_H_
