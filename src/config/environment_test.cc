#include "config/environment.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace gpulet {
namespace {

TEST(EnvironmentTest, FromMapAnswersSetUnsetAndEmpty) {
  Environment env = Environment::FromMap({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(env.Get("A"), "1");
  EXPECT_EQ(env.Get("EMPTY"), "");
  EXPECT_EQ(env.Get("MISSING"), std::nullopt);
}

TEST(EnvironmentTest, FromProcessSeesVariablesWithEqualsInValue) {
  ASSERT_EQ(setenv("GPULET_ENV_TEST", "a=b", 1), 0);
  Environment env = Environment::FromProcess();
  EXPECT_EQ(env.Get("GPULET_ENV_TEST"), "a=b");
  ASSERT_EQ(unsetenv("GPULET_ENV_TEST"), 0);
  EXPECT_EQ(env.Get("GPULET_ENV_TEST"), "a=b") << "a snapshot, not a live view";
}

}  // namespace
}  // namespace gpulet
