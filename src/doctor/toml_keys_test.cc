#include "doctor/toml_keys.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::doctor {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TomlKeysTest, ContainerdVersion2Config) {
  ASSERT_OK_AND_ASSIGN(TomlKeys keys, ParseTomlKeys(R"(
version = 2
root = "/var/lib/containerd"  # a comment
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    enable_cdi = true
    cdi_spec_dirs = [
      "/etc/cdi",   # static specs
      '/var/run/cdi',
    ]
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "nvidia"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]
        BinaryName = "/usr/bin/nvidia-container-runtime"
)"));
  const TomlPath cri = {"plugins", "io.containerd.grpc.v1.cri"};
  ASSERT_NE(FindToml(keys, {"version"}), nullptr);
  EXPECT_EQ(FindToml(keys, {"version"})->text, "2");
  const TomlValue* enable = FindToml(keys, {"plugins", "io.containerd.grpc.v1.cri", "enable_cdi"});
  ASSERT_NE(enable, nullptr);
  EXPECT_EQ(enable->kind, TomlValue::Kind::kBool);
  EXPECT_EQ(enable->text, "true");
  const TomlValue* dirs =
      FindToml(keys, {"plugins", "io.containerd.grpc.v1.cri", "cdi_spec_dirs"});
  ASSERT_NE(dirs, nullptr);
  EXPECT_THAT(dirs->items, ElementsAre("/etc/cdi", "/var/run/cdi"));
  EXPECT_EQ(FindToml(keys, {"plugins", "io.containerd.grpc.v1.cri", "containerd",
                            "runtimes", "nvidia", "options", "BinaryName"})
                ->text,
            "/usr/bin/nvidia-container-runtime");
}

TEST(TomlKeysTest, DottedKeysInlineTablesAndStrings) {
  ASSERT_OK_AND_ASSIGN(TomlKeys keys, ParseTomlKeys(
      "[plugins]\n"
      "\"io.containerd.grpc.v1.cri\".enable_cdi = false\n"
      "x = { a = 1, b.c = \"d\" }\n"
      "s = \"\"\"two\nlines\"\"\"\n"
      "l = '''C:\\path'''\n"
      "e = \"quote \\\" inside\"\n"
      "[[plugins.list]]\n"
      "n = 1\n"
      "[[plugins.list]]\n"
      "n = 2\n"));
  EXPECT_EQ(FindToml(keys, {"plugins", "io.containerd.grpc.v1.cri", "enable_cdi"})->text, "false");
  EXPECT_EQ(FindToml(keys, {"plugins", "x", "a"})->text, "1");
  EXPECT_EQ(FindToml(keys, {"plugins", "x", "b", "c"})->text, "d");
  EXPECT_EQ(FindToml(keys, {"plugins", "s"})->text, "two\nlines");
  EXPECT_EQ(FindToml(keys, {"plugins", "l"})->text, "C:\\path");
  EXPECT_EQ(FindToml(keys, {"plugins", "e"})->text, "quote \" inside");
  EXPECT_EQ(FindToml(keys, {"plugins", "list", "n"})->text, "2");
}

TEST(TomlKeysTest, EmptyDocument) {
  ASSERT_OK_AND_ASSIGN(TomlKeys keys, ParseTomlKeys("# nothing\n\n"));
  EXPECT_TRUE(keys.empty());
}

struct Malformed {
  const char* text;
  const char* message;
};

class TomlKeysMalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(TomlKeysMalformedTest, NamesTheLine) {
  EXPECT_THAT(ParseTomlKeys(GetParam().text),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, TomlKeysMalformedTest,
    ::testing::Values(Malformed{"a = \"open\n", "line 1: unterminated string"},
                      Malformed{"\n[plugins\n", "line 2: unterminated table header"},
                      Malformed{"enable_cdi true\n", "line 1: expected '='"},
                      Malformed{"a =\n", "line 1: expected a value"},
                      Malformed{"a = [1, 2\n", "unterminated array"},
                      Malformed{"a = yes\n", "strings need quotes"},
                      Malformed{"a = 1 2\n", "after the value"},
                      Malformed{"x = { a = 1 b = 2 }\n", "expected ',' or '}'"},
                      Malformed{"= 1\n", "expected a key"}));

}  // namespace
}  // namespace gpulet::doctor
