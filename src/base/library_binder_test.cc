#include "base/library_binder.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(LibraryBinderTest, BindsEntryPointsAndNamesTheFirstMissing) {
  ASSERT_OK_AND_ASSIGN(LibraryBinder lib, LibraryBinder::Open("libm.so.6", "for a test"));
  double (*cosine)(double) = nullptr;
  lib.Bind("cos", cosine);
  ASSERT_NE(cosine, nullptr);
  EXPECT_EQ(cosine(0.0), 1.0);
  EXPECT_OK(lib.Finish());
  void (*absent)() = nullptr;
  void (*also_absent)() = nullptr;
  lib.Bind("no_such_function_here", absent);
  lib.Bind("nor_this_one", also_absent);
  EXPECT_EQ(absent, nullptr);
  EXPECT_THAT(lib.Finish(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                     HasSubstr("libm.so.6 has no no_such_function_here")));
}

TEST(LibraryBinderTest, AMissingLibraryIsNamedWithItsPurpose) {
  EXPECT_THAT(LibraryBinder::Open("libgpulet-absent.so.9", "to test").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("cannot load libgpulet-absent.so.9 (needed to test)")));
}

}  // namespace
}  // namespace gpulet
