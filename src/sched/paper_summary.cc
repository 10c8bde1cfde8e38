#include "sched/paper_summary.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "base/text_file.h"

namespace gpulet::sched {
namespace {

absl::StatusOr<std::vector<std::pair<int, bool>>> ParseHeader(
    const std::vector<absl::string_view>& header, absl::string_view file) {
  if (header.size() < 3 || header[0] != "workload" ||
      header[1] != "sc_policy") {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ":1: expected header 'workload,sc_policy,n_seeds,mean_*,std_*'"));
  }
  // (arrival, is_mean) per column from the fourth on.
  std::vector<std::pair<int, bool>> columns;
  for (size_t i = 3; i < header.size(); ++i) {
    absl::string_view name = header[i];
    bool is_mean = absl::ConsumePrefix(&name, "mean_");
    if (!is_mean && !absl::ConsumePrefix(&name, "std_")) name = "";
    int arrival = 0;
    if (!absl::SimpleAtoi(name, &arrival)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":1: unexpected column '", header[i], "'"));
    }
    columns.emplace_back(arrival, is_mean);
  }
  return columns;
}

}  // namespace

absl::StatusOr<PaperSummary> PaperSummary::Parse(absl::string_view text,
                                                 absl::string_view file) {
  PaperSummary summary;
  std::vector<std::pair<int, bool>> columns;
  int line = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    absl::string_view content = absl::StripSuffix(raw, "\r");
    if (content.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(content, ',');
    if (line == 1) {
      ASSIGN_OR_RETURN(columns, ParseHeader(fields, file));
      continue;
    }
    if (fields.size() != columns.size() + 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, ":", line, ": expected ", columns.size() + 3, " fields, got ",
          fields.size()));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      double value = 0;
      if (!absl::SimpleAtod(fields[i + 3], &value)) {
        return absl::InvalidArgumentError(absl::StrCat(
            file, ":", line, ": not a number: '", fields[i + 3], "'"));
      }
      auto key = std::tuple(std::string(fields[0]), std::string(fields[1]),
                            columns[i].first);
      PaperCell& cell = summary.cells_[key];
      (columns[i].second ? cell.mean : cell.std) = value;
    }
  }
  if (line == 0 || columns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": no header"));
  }
  return summary;
}

absl::StatusOr<PaperSummary> PaperSummary::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return Parse(text, path);
}

std::optional<PaperCell> PaperSummary::Find(absl::string_view workload,
                                            absl::string_view label,
                                            int arrival) const {
  auto it = cells_.find(
      std::tuple(std::string(workload), std::string(label), arrival));
  if (it == cells_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gpulet::sched
