#include "cdi/spec_transform.h"

#include "base/status_matchers.h"
#include "cdi/testing/spec_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cdi {
namespace {

using testing::BindMount;
using testing::MakeHook;
using testing::Node;

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;

Spec PluginSpec() {
  Spec spec;
  spec.version = "0.5.0";
  spec.kind = "nvidia.com/gpu";
  Device device;
  device.name = "0";
  device.edits.device_nodes.push_back(Node("/dev/nvidia0", "/driver-root/dev/nvidia0"));
  device.edits.device_nodes.push_back(Node("/dev/nvidia1"));
  spec.devices.push_back(device);
  spec.edits.mounts.push_back(BindMount("/driver-root/usr/lib64/libcuda.so.1", "/usr/lib64/libcuda.so.1"));
  spec.edits.mounts.push_back(BindMount("/driver-root-backup/x", "/x"));
  spec.edits.hooks.push_back(MakeHook("createContainer", "/driver-root/usr/bin/nvidia-cdi-hook", {"nvidia-cdi-hook", "create-symlinks", "--link",
                                           "libcuda.so.1::/usr/lib64/libcuda.so"}));
  return spec;
}

TEST(SpecTransformTest, HostRootIsRewrittenOnComponentBoundaries) {
  Spec spec = PluginSpec();
  ASSERT_OK(TransformRoot(spec, "/driver-root", "/run/nvidia/driver", TransformTarget::kHost));
  const ContainerEdits& device = spec.devices[0].edits;
  EXPECT_EQ(device.device_nodes[0].host_path, "/run/nvidia/driver/dev/nvidia0");
  EXPECT_EQ(device.device_nodes[1].host_path, "");  // "/dev/nvidia1" not under the root
  EXPECT_EQ(spec.edits.mounts[0].host_path, "/run/nvidia/driver/usr/lib64/libcuda.so.1");
  EXPECT_EQ(spec.edits.mounts[0].container_path, "/usr/lib64/libcuda.so.1");
  EXPECT_EQ(spec.edits.mounts[1].host_path, "/driver-root-backup/x");
  EXPECT_EQ(spec.edits.hooks[0].path, "/run/nvidia/driver/usr/bin/nvidia-cdi-hook");
  // Arguments of a createContainer hook are container paths.
  EXPECT_EQ(spec.edits.hooks[0].args[3], "libcuda.so.1::/usr/lib64/libcuda.so");
}

TEST(SpecTransformTest, ContainerRootRewritesBothHalvesOfLinks) {
  Spec spec = PluginSpec();
  ASSERT_OK(TransformRoot(spec, "/usr/lib64", "/usr/local/nvidia/lib64",
                          TransformTarget::kContainer));
  EXPECT_EQ(spec.edits.mounts[0].container_path, "/usr/local/nvidia/lib64/libcuda.so.1");
  EXPECT_EQ(spec.edits.mounts[0].host_path, "/driver-root/usr/lib64/libcuda.so.1");
  EXPECT_THAT(spec.edits.hooks[0].args,
              ElementsAre("nvidia-cdi-hook", "create-symlinks", "--link",
                          "libcuda.so.1::/usr/local/nvidia/lib64/libcuda.so"));
}

TEST(SpecTransformTest, HostPathCopiedFromPathRaisesVersion) {
  Spec spec = PluginSpec();
  spec.version = "0.3.0";
  spec.devices[0].name = "gpu0";
  spec.devices[0].edits.device_nodes = {Node("/dev/nvidia0")};
  ASSERT_OK(TransformRoot(spec, "/", "/host", TransformTarget::kHost));
  EXPECT_EQ(spec.devices[0].edits.device_nodes[0].host_path, "/host/dev/nvidia0");
  EXPECT_EQ(spec.version, "0.5.0");
}

TEST(SpecTransformTest, RelativeRootsAreRejected) {
  Spec spec = PluginSpec();
  EXPECT_THAT(TransformRoot(spec, "driver", "/x", TransformTarget::kHost),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("--from")));
}

}  // namespace
}  // namespace gpulet::cdi
