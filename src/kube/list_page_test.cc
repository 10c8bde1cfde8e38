#include "kube/list_page.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseListPageTest, ReadsItemsVersionAndContinue) {
  ASSERT_OK_AND_ASSIGN(ListPage page, ParseListPage(nlohmann::json::parse(
                                          R"({"metadata":{"resourceVersion":"9","continue":"c"},)"
                                          R"("items":[{"a":1},{"b":2}]})")));
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.resource_version, "9");
  EXPECT_EQ(page.continue_token, "c");

  ASSERT_OK_AND_ASSIGN(page, ParseListPage(nlohmann::json::parse(R"({"items":null})")));
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.continue_token, "");
}

TEST(ParseListPageTest, MalformedPages) {
  EXPECT_THAT(ParseListPage(nlohmann::json::parse(R"({"items":{}})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("items is not a list")));
  EXPECT_THAT(ParseListPage(nlohmann::json::parse(R"({"metadata":[]})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("metadata is not an object")));
  EXPECT_THAT(ParseListPage(nlohmann::json::parse("[]")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// A resourceVersion or continue of another type used to throw
// nlohmann::json::type_error out of Client::List.
TEST(ParseListPageTest, WrongTypedMetadataReadsAsAbsent) {
  ASSERT_OK_AND_ASSIGN(ListPage page, ParseListPage(nlohmann::json::parse(
                                          R"({"metadata":{"resourceVersion":9,"continue":[]}})")));
  EXPECT_EQ(page.resource_version, "");
  EXPECT_EQ(page.continue_token, "");
}

}  // namespace
}  // namespace gpulet::kube
