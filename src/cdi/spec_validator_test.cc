#include "cdi/spec_validator.h"

#include <functional>

#include "base/status_matchers.h"
#include "cdi/testing/spec_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cdi {
namespace {

using testing::BindMount;
using testing::MakeHook;
using testing::Node;

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

Spec GoodSpec() {
  Spec spec;
  spec.version = "0.5.0";
  spec.kind = "nvidia.com/gpu";
  Device device;
  device.name = "0";
  device.edits.device_nodes.push_back(Node("/dev/nvidia0"));
  spec.devices.push_back(device);
  spec.edits.env = {"NVIDIA_VISIBLE_DEVICES=void"};
  spec.edits.hooks.push_back(MakeHook("createContainer", "/usr/bin/nvidia-cdi-hook", {"nvidia-cdi-hook", "update-ldcache"}));
  spec.edits.mounts.push_back(BindMount("/usr/lib/libcuda.so.1", "/usr/lib/libcuda.so.1"));
  return spec;
}

TEST(SpecValidatorTest, GoodSpecs) {
  EXPECT_THAT(ValidateSpec(GoodSpec()), IsOk());
  Spec later = GoodSpec();
  later.version = "v1.1.0";
  EXPECT_THAT(ValidateSpec(later), IsOk());
  Spec names = GoodSpec();
  names.devices[0].name = "MIG-1b2c:0_x.y";
  names.kind = "k8s.device-plugin.nvidia.com/gpu";
  EXPECT_THAT(ValidateSpec(names), IsOk());
  Spec permissions = GoodSpec();
  permissions.devices[0].edits.device_nodes[0].permissions = "none";
  permissions.devices[0].edits.device_nodes[0].type = "c";
  EXPECT_THAT(ValidateSpec(permissions), IsOk());
}

// Each rule broken once; the message names the rule.
TEST(SpecValidatorTest, EachRuleViolationIsRejected) {
  struct Case {
    std::string rule;
    std::function<void(Spec&)> breaks;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown version", [](Spec& s) { s.version = "0.9.0"; }, "not a released CDI version"},
      {"version below minimum", [](Spec& s) { s.version = "0.4.0"; }, "below 0.5.0"},
      {"gids need 0.7.0", [](Spec& s) { s.devices[0].edits.additional_gids = {44}; }, "below 0.7.0"},
      {"kind without class", [](Spec& s) { s.kind = "nvidia.com"; }, "vendor/class"},
      {"vendor starts with digit", [](Spec& s) { s.kind = "1nvidia.com/gpu"; }, "invalid vendor"},
      {"class ends with dash", [](Spec& s) { s.kind = "nvidia.com/gpu-"; }, "invalid class"},
      {"class with slash", [](Spec& s) { s.kind = "nvidia.com/g/pu"; }, "invalid class"},
      {"no devices", [](Spec& s) { s.devices.clear(); }, "at least one device"},
      {"empty name", [](Spec& s) { s.devices[0].name = ""; }, "invalid device name"},
      {"name with slash", [](Spec& s) { s.devices[0].name = "a/b"; }, "invalid device name"},
      {"name ends with colon", [](Spec& s) { s.devices[0].name = "0:"; }, "invalid device name"},
      {"duplicate name", [](Spec& s) { s.devices.push_back(s.devices[0]); }, "duplicate device name"},
      {"empty device edits", [](Spec& s) { s.devices[0].edits = {}; }, "empty device edits"},
      {"env without =", [](Spec& s) { s.edits.env = {"FOO"}; }, "invalid env"},
      {"env starting with =", [](Spec& s) { s.edits.env = {"=x"}; }, "invalid env"},
      {"node without path", [](Spec& s) { s.devices[0].edits.device_nodes[0].path = ""; }, "path is empty"},
      {"node type", [](Spec& s) { s.devices[0].edits.device_nodes[0].type = "x"; }, "type \"x\""},
      {"node permissions", [](Spec& s) { s.devices[0].edits.device_nodes[0].permissions = "rwx"; },
       "permissions \"rwx\""},
      {"hook name", [](Spec& s) { s.edits.hooks[0].hook_name = "create-container"; },
       "invalid hook name \"create-container\""},
      {"hook path", [](Spec& s) { s.edits.hooks[0].path = ""; }, "path is empty"},
      {"hook env", [](Spec& s) { s.edits.hooks[0].env = {"X"}; }, "invalid env"},
      {"mount host path", [](Spec& s) { s.edits.mounts[0].host_path = ""; }, "hostPath and containerPath"},
      {"mount container path", [](Spec& s) { s.edits.mounts[0].container_path = ""; },
       "hostPath and containerPath"},
  };
  for (const Case& c : cases) {
    Spec spec = GoodSpec();
    c.breaks(spec);
    EXPECT_THAT(ValidateSpec(spec),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.rule;
  }
}

}  // namespace
}  // namespace gpulet::cdi
