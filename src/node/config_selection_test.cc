#include "node/config_selection.h"

#include <filesystem>
#include <fstream>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::node {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;

void Write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

ConfigSelectionOptions Options(std::string dir = "/available-configs") {
  ConfigSelectionOptions options;
  options.source_dir = std::move(dir);
  return options;
}

TEST(ListConfigsTest, SkipsConfigMapInternalsAndDirectories) {
  kube::testing::TempDir dir;
  std::filesystem::path root = dir.path();
  // The layout the kubelet gives a mounted ConfigMap.
  std::filesystem::create_directory(root / "..2026_12_04_05_00_00.123");
  Write(root / "..2026_12_04_05_00_00.123" / "a100", "version: v1\n");
  Write(root / "..2026_12_04_05_00_00.123" / "default", "version: v1\n");
  std::filesystem::create_directory_symlink("..2026_12_04_05_00_00.123", root / "..data");
  std::filesystem::create_symlink("..data/a100", root / "a100");
  std::filesystem::create_symlink("..data/default", root / "default");
  std::filesystem::create_directory(root / "subdir");
  std::filesystem::create_symlink("..data/missing", root / "dangling");

  absl::StatusOr<std::vector<std::string>> names = ListConfigs(root.string());
  ASSERT_THAT(names.status(), IsOk());
  EXPECT_THAT(*names, ElementsAre("a100", "default"));
}

TEST(ListConfigsTest, MissingDirectoryIsNotFound) {
  EXPECT_THAT(ListConfigs("/nonexistent/gpulet-configs").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/gpulet-configs")));
}

TEST(SelectConfigTest, LabelNamesTheConfig) {
  absl::StatusOr<ConfigChoice> choice = SelectConfig("a100", {"a100", "default"}, Options());
  ASSERT_THAT(choice.status(), IsOk());
  EXPECT_EQ(*choice, (ConfigChoice{"a100", "/available-configs/a100", "label"}));
}

TEST(SelectConfigTest, UnknownLabelValueIsAnErrorThatListsTheConfigs) {
  EXPECT_THAT(SelectConfig("h100", {"a100", "default"}, Options()).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("\"h100\""), HasSubstr("a100, default"))));
}

TEST(SelectConfigTest, EmptyLabelUsesTheDefaultConfig) {
  ConfigSelectionOptions options = Options();
  options.default_config = "a100";
  absl::StatusOr<ConfigChoice> choice = SelectConfig("", {"a100", "t4"}, options);
  ASSERT_THAT(choice.status(), IsOk());
  EXPECT_EQ(choice->name, "a100");
  EXPECT_EQ(choice->reason, "default-config");
  options.default_config = "missing";
  EXPECT_THAT(SelectConfig(std::nullopt, {"a100"}, options).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"missing\"")));
}

TEST(SelectConfigTest, FallbacksApplyInOrder) {
  ConfigSelectionOptions options = Options();
  // named, single (the chart's default order).
  absl::StatusOr<ConfigChoice> choice = SelectConfig(std::nullopt, {"a100", "default"}, options);
  ASSERT_THAT(choice.status(), IsOk());
  EXPECT_EQ(choice->name, "default");
  EXPECT_EQ(choice->reason, "named");
  choice = SelectConfig(std::nullopt, {"only"}, options);
  ASSERT_THAT(choice.status(), IsOk());
  EXPECT_EQ(choice->name, "only");
  EXPECT_EQ(choice->reason, "single");
  EXPECT_THAT(SelectConfig(std::nullopt, {"a", "b"}, options).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("a, b")));
  options.fallbacks = {FallbackStrategy::kEmpty};
  choice = SelectConfig(std::nullopt, {"a", "b"}, options);
  ASSERT_THAT(choice.status(), IsOk());
  EXPECT_EQ(*choice, (ConfigChoice{"", "", "empty"}));
  options.fallbacks = {};
  EXPECT_THAT(SelectConfig(std::nullopt, {"only"}, options).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ParseFallbackStrategiesTest, KnownAndUnknownNames) {
  absl::StatusOr<std::vector<FallbackStrategy>> parsed =
      ParseFallbackStrategies({"empty", "named", "single"});
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_THAT(*parsed, ElementsAre(FallbackStrategy::kEmpty, FallbackStrategy::kNamed,
                                   FallbackStrategy::kSingle));
  EXPECT_THAT(ParseFallbackStrategies({"named", "Single"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"Single\"")));
  EXPECT_THAT(ParseFallbackStrategies({""}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet::node
