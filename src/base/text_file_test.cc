#include "base/text_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ReadTextFileTest, ReadsTheWholeFileBytesIncluded) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gpulet-text-" + std::to_string(getpid()));
  const std::string text("a\nb\0c\r\n", 7);
  std::ofstream(path, std::ios::binary) << text;
  absl::StatusOr<std::string> read = ReadTextFile(path.string());
  std::filesystem::remove(path);
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(*read, text);
}

TEST(ReadTextFileTest, MissingFileIsNotFoundNamingIt) {
  EXPECT_THAT(ReadTextFile("/nonexistent/gpulet/file").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/gpulet/file")));
}

}  // namespace
}  // namespace gpulet
