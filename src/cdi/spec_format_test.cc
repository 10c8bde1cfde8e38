#include "cdi/spec_format.h"

#include "base/status_matchers.h"
#include "cdi/spec_validator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cdi {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kYaml[] = R"(---
cdiVersion: 0.7.0
kind: nvidia.com/gpu
devices:
- name: "0"
  containerEdits:
    deviceNodes:
    - path: /dev/nvidia0
      hostPath: /run/nvidia/driver/dev/nvidia0
      major: 195
      permissions: rwm
    additionalGids:
    - 44
- name: all
  annotations:
    note: "yes"
  containerEdits:
    env: ["A=1"]
containerEdits:
  hooks:
  - hookName: createContainer
    path: /usr/bin/nvidia-cdi-hook
    args: [nvidia-cdi-hook, update-ldcache, --folder, /usr/lib]
  mounts:
  - hostPath: /usr/lib/libcuda.so.1
    containerPath: /usr/lib/libcuda.so.1
    options: [ro, nosuid]
)";

TEST(SpecFormatTest, ParsesYamlAndRoundTripsBothFormats) {
  ASSERT_OK_AND_ASSIGN(Spec spec, ParseSpec(kYaml, SpecFormat::kYaml));
  EXPECT_EQ(spec.devices[0].name, "0");  // quoted: a string, not the number 0
  EXPECT_EQ(spec.devices[0].edits.device_nodes[0].major, 195);
  EXPECT_EQ(spec.devices[1].annotations.at("note"), "yes");
  EXPECT_EQ(spec.edits.hooks[0].args[2], "--folder");
  EXPECT_TRUE(ValidateSpec(spec).ok()) << ValidateSpec(spec);
  for (SpecFormat format : {SpecFormat::kJson, SpecFormat::kYaml}) {
    std::string text = FormatSpec(spec, format);
    ASSERT_OK_AND_ASSIGN(Spec again, ParseSpec(text, format));
    EXPECT_EQ(again, spec) << text;
    EXPECT_EQ(FormatSpec(again, format), text);
  }
}

// The schema requires "devices" but allows it empty; found by the fuzzer
// (fuzz/corpus/cdi_spec_fuzzer/regression-empty-devices).
TEST(SpecFormatTest, ASpecWithoutDevicesRoundTrips) {
  ASSERT_OK_AND_ASSIGN(
      Spec spec, ParseSpec(R"({"cdiVersion":"0.5.0","kind":"a/b","devices":[]})", SpecFormat::kJson));
  EXPECT_TRUE(spec.devices.empty());
  for (SpecFormat format : {SpecFormat::kJson, SpecFormat::kYaml}) {
    std::string text = FormatSpec(spec, format);
    EXPECT_THAT(text, HasSubstr("devices"));
    ASSERT_OK_AND_ASSIGN(Spec again, ParseSpec(text, format));
    EXPECT_EQ(again, spec) << text;
  }
}

TEST(SpecFormatTest, YamlQuotesWhatWouldReadAsAnotherType) {
  Spec spec;
  spec.version = "0.5.0";
  spec.kind = "nvidia.com/gpu";
  Device device;
  for (std::string name : {"0", "1:0", "true", "null", "yes", "-x", "a b", "#c"}) {
    device.name = name;
    device.edits.env = {"X=" + name};
    spec.devices.push_back(device);
  }
  ASSERT_OK_AND_ASSIGN(Spec again, ParseSpec(FormatSpec(spec, SpecFormat::kYaml), SpecFormat::kYaml));
  EXPECT_EQ(again, spec);
}

TEST(SpecFormatTest, MalformedInputs) {
  struct Case {
    std::string name;
    SpecFormat format;
    std::string text;
    std::string message;
  };
  const std::string head = R"({"cdiVersion":"0.5.0","kind":"a.com/b",)";
  const std::vector<Case> cases = {
      {"bad json", SpecFormat::kJson, "{", "malformed JSON"},
      // Found by fuzz/cdi_spec_fuzzer: out_of_range escaped ParseSpec.
      {"json number overflow", SpecFormat::kJson, head + R"("devices":[],"x":1e999})",
       "number overflow"},
      {"bad yaml", SpecFormat::kYaml, "a: [b\n", "line "},
      {"not an object", SpecFormat::kJson, "[]", "expected an object"},
      {"missing version", SpecFormat::kJson, R"({"kind":"a/b","devices":[]})", "cdiVersion: required"},
      {"missing devices", SpecFormat::kJson, R"({"cdiVersion":"0.5.0","kind":"a/b"})", "devices: required"},
      {"unknown top field", SpecFormat::kJson, head + R"("devices":[],"extra":1})",
       "spec: unknown field \"extra\""},
      {"unknown node field", SpecFormat::kJson,
       head + R"("devices":[{"name":"x","containerEdits":{"deviceNodes":[{"path":"/d","colour":1}]}}]})",
       "devices[0].containerEdits.deviceNodes[0]: unknown field \"colour\""},
      {"unknown edits field (old runtime)", SpecFormat::kJson,
       head + R"("devices":[{"name":"x","containerEdits":{"additionalGIDs":[1]}}]})",
       "unknown field \"additionalGIDs\""},
      {"device without edits", SpecFormat::kJson, head + R"("devices":[{"name":"x"}]})",
       "devices[0].containerEdits: required"},
      {"name not a string", SpecFormat::kYaml,
       "cdiVersion: 0.5.0\nkind: a/b\ndevices:\n- name: 0\n  containerEdits: {}\n",
       "devices[0].name: expected a string"},
      {"major not an integer", SpecFormat::kJson,
       head + R"("devices":[{"name":"x","containerEdits":{"deviceNodes":[{"path":"/d","major":"1"}]}}]})",
       "major: expected an integer"},
      {"gid negative", SpecFormat::kJson,
       head + R"("devices":[{"name":"x","containerEdits":{"additionalGids":[-1]}}]})",
       "additionalGids: expected a list of 32-bit"},
      {"uid out of range", SpecFormat::kJson,
       head + R"("devices":[{"name":"x","containerEdits":{"deviceNodes":[{"path":"/d","uid":4294967296}]}}]})",
       "out of range"},
      {"args not strings", SpecFormat::kJson,
       head + R"("devices":[],"containerEdits":{"hooks":[{"hookName":"h","path":"/p","args":[1]}]}})",
       "args: expected a list of strings"},
      {"mount without containerPath", SpecFormat::kJson,
       head + R"("devices":[],"containerEdits":{"mounts":[{"hostPath":"/p"}]}})",
       "containerPath: required"},
      // Found by fuzz/cdi_spec_fuzzer: writing the spec back threw.
      {"yaml not utf-8", SpecFormat::kYaml,
       "cdiVersion: 0.5.0\nkind: a/b\ndevices:\n- name: x\n  containerEdits:\n    env: [A=\x92]\n",
       "not UTF-8"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseSpec(c.text, c.format),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(SpecFormatTest, FormatNames) {
  EXPECT_EQ(*ParseSpecFormat("JSON"), SpecFormat::kJson);
  EXPECT_EQ(*ParseSpecFormat("yml"), SpecFormat::kYaml);
  EXPECT_THAT(ParseSpecFormat("toml"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("toml")));
  EXPECT_EQ(FormatOfPath("/etc/cdi/nvidia.yaml"), SpecFormat::kYaml);
  EXPECT_EQ(FormatOfPath("/etc/cdi/nvidia"), std::nullopt);
}

}  // namespace
}  // namespace gpulet::cdi
