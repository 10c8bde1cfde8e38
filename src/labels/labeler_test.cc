#include "labels/labeler.h"

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::labels {
namespace {

class FailingLabeler final : public Labeler {
 public:
  // Labeler
  absl::StatusOr<LabelMap> Labels() const override {
    return absl::UnavailableError("no source");
  }
};

TEST(MergeTest, LaterLabelersWin) {
  std::vector<std::unique_ptr<Labeler>> parts;
  parts.push_back(NewStaticLabeler({{"a", "1"}, {"b", "1"}}));
  parts.push_back(NewStaticLabeler({{"b", "2"}, {"c", "2"}}));
  ASSERT_OK_AND_ASSIGN(LabelMap labels, Merge(std::move(parts))->Labels());
  EXPECT_EQ(labels, (LabelMap{{"a", "1"}, {"b", "2"}, {"c", "2"}}));
}

TEST(MergeTest, FailsWithTheFirstError) {
  std::vector<std::unique_ptr<Labeler>> parts;
  parts.push_back(NewStaticLabeler({{"a", "1"}}));
  parts.push_back(std::make_unique<FailingLabeler>());
  EXPECT_THAT(Merge(std::move(parts))->Labels(),
              gpulet::testing::StatusIs(absl::StatusCode::kUnavailable));
}

TEST(MergeTest, EmptyMergeHasNoLabels) {
  ASSERT_OK_AND_ASSIGN(LabelMap labels, Merge({})->Labels());
  EXPECT_TRUE(labels.empty());
}

}  // namespace
}  // namespace gpulet::labels
