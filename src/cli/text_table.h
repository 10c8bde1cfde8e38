// TextTable: left-aligned columns for terminal output, two spaces apart.
//
// Not thread-safe; a value built and printed by one thread.
#ifndef GPULET_CLI_TEXT_TABLE_H_
#define GPULET_CLI_TEXT_TABLE_H_

#include <string>
#include <vector>

namespace gpulet::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  // A row with at most as many cells as the header; missing cells are empty.
  void AddRow(std::vector<std::string> cells);

  // The header and the rows, each line padded to the column widths, with no
  // trailing spaces, each ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_TEXT_TABLE_H_
