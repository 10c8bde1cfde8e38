#include "cli/text_table.h"

#include "gtest/gtest.h"

namespace gpulet::cli {
namespace {

TEST(TextTableTest, AlignsColumnsWithoutTrailingSpaces) {
  TextTable table({"IDX", "NAME", "MEMORY"});
  table.AddRow({"0", "NVIDIA H100 80GB HBM3", "81559 MiB"});
  table.AddRow({"10", "Tesla T4"});
  EXPECT_EQ(table.Render(),
            "IDX  NAME                   MEMORY\n"
            "0    NVIDIA H100 80GB HBM3  81559 MiB\n"
            "10   Tesla T4\n");
}

TEST(TextTableTest, HeaderOnly) {
  EXPECT_EQ(TextTable({"A", "B"}).Render(), "A  B\n");
}

}  // namespace
}  // namespace gpulet::cli
