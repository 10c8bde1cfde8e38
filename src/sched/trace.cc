#include "sched/trace.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "base/text_file.h"

namespace gpulet::sched {
namespace {

// One CSV data row with its location, for error messages.
class Row {
 public:
  Row(absl::string_view file, int line, std::vector<absl::string_view> fields)
      : file_(file), line_(line), fields_(std::move(fields)) {}

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(file_, ":", line_, ": ", what));
  }
  absl::StatusOr<absl::string_view> Text(int column, absl::string_view name) const {
    if (column >= static_cast<int>(fields_.size())) {
      return Error(absl::StrCat("missing field '", name, "' (row has ",
                                fields_.size(), " fields)"));
    }
    return fields_[column];
  }
  absl::StatusOr<int64_t> Number(int column, absl::string_view name) const {
    ASSIGN_OR_RETURN(absl::string_view text, Text(column, name));
    int64_t value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return Error(absl::StrCat("field '", name, "' is not an integer: '",
                                text, "'"));
    }
    if (value < 0) {
      return Error(absl::StrCat("field '", name, "' is negative: ", value));
    }
    return value;
  }

 private:
  absl::string_view file_;
  int line_;
  std::vector<absl::string_view> fields_;
};

// Splits `text` into the header's column positions and the data rows.
struct Table {
  std::vector<absl::string_view> header;
  std::vector<Row> rows;

  std::optional<int> Column(absl::string_view name) const {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) return std::nullopt;
    return static_cast<int>(it - header.begin());
  }
};

absl::StatusOr<Table> SplitCsv(absl::string_view text, absl::string_view file) {
  Table table;
  int line = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    absl::string_view content = absl::StripSuffix(raw, "\r");
    if (content.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(content, ',');
    if (table.header.empty()) {
      table.header = std::move(fields);
    } else {
      table.rows.emplace_back(file, line, std::move(fields));
    }
  }
  if (table.header.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": empty file"));
  }
  return table;
}

absl::StatusOr<std::vector<int>> Columns(
    const Table& table, absl::string_view file,
    std::initializer_list<absl::string_view> names) {
  std::vector<int> columns;
  for (absl::string_view name : names) {
    std::optional<int> column = table.Column(name);
    if (!column) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":1: header lacks column '", name, "'"));
    }
    columns.push_back(*column);
  }
  return columns;
}

absl::Status ParseNodeRow(const Row& row, const std::vector<int>& c,
                          TraceCluster& cluster) {
  ASSIGN_OR_RETURN(absl::string_view name, row.Text(c[0], "sn"));
  ASSIGN_OR_RETURN(int64_t cpu, row.Number(c[1], "cpu_milli"));
  ASSIGN_OR_RETURN(int64_t memory, row.Number(c[2], "memory_mib"));
  ASSIGN_OR_RETURN(int64_t gpus, row.Number(c[3], "gpu"));
  ASSIGN_OR_RETURN(absl::string_view model_name, row.Text(c[4], "model"));
  if (gpus > kMaxGpusPerNode) {
    return row.Error(absl::StrCat("gpu ", gpus, " above ", kMaxGpusPerNode));
  }
  int model = -1;
  if (gpus > 0) {
    absl::StatusOr<int> interned = cluster.models.Intern(model_name);
    if (!interned.ok()) return row.Error(interned.status().message());
    model = *interned;
  }
  ASSIGN_OR_RETURN(NodeState node,
                   NodeState::Idle(cpu, memory, static_cast<int>(gpus), model));
  cluster.names.emplace_back(name);
  cluster.nodes.push_back(node);
  return absl::OkStatus();
}

absl::StatusOr<PodRequest> ParsePodRow(const Row& row, const std::vector<int>& c,
                                       std::optional<int> spec_column,
                                       const GpuModelTable& models) {
  PodRequest pod;
  ASSIGN_OR_RETURN(pod.cpu_milli, row.Number(c[1], "cpu_milli"));
  ASSIGN_OR_RETURN(pod.memory_mib, row.Number(c[2], "memory_mib"));
  ASSIGN_OR_RETURN(int64_t gpus, row.Number(c[3], "num_gpu"));
  ASSIGN_OR_RETURN(int64_t milli, row.Number(c[4], "gpu_milli"));
  if (gpus > kMaxGpusPerNode) {
    return row.Error(absl::StrCat("num_gpu ", gpus, " above ", kMaxGpusPerNode));
  }
  if (gpus > 0 && (milli < 1 || milli > kMilliPerGpu)) {
    return row.Error(absl::StrCat("gpu_milli ", milli, " outside 1..1000"));
  }
  if (gpus > 1 && milli != kMilliPerGpu) {
    return row.Error("a multi-GPU pod must take whole GPUs (gpu_milli 1000)");
  }
  pod.gpu_count = static_cast<int>(gpus);
  pod.gpu_milli = gpus > 0 ? static_cast<int>(milli) : 0;
  if (spec_column) {
    ASSIGN_OR_RETURN(absl::string_view spec, row.Text(*spec_column, "gpu_spec"));
    absl::StatusOr<ModelMask> mask = models.ParseMask(spec);
    if (!mask.ok()) return row.Error(mask.status().message());
    pod.models = *mask;
  }
  return pod;
}

}  // namespace

int64_t TraceCluster::gpu_capacity_milli() const {
  int64_t total = 0;
  for (const NodeState& node : nodes) total += node.gpu_count * kMilliPerGpu;
  return total;
}

absl::StatusOr<TraceCluster> ParseNodeCsv(absl::string_view text,
                                          absl::string_view file) {
  ASSIGN_OR_RETURN(Table table, SplitCsv(text, file));
  ASSIGN_OR_RETURN(std::vector<int> columns,
                   Columns(table, file, {"sn", "cpu_milli", "memory_mib",
                                         "gpu", "model"}));
  TraceCluster cluster;
  for (const Row& row : table.rows) {
    RETURN_IF_ERROR(ParseNodeRow(row, columns, cluster));
  }
  return cluster;
}

absl::StatusOr<TraceWorkload> ParsePodCsv(absl::string_view text,
                                          absl::string_view file,
                                          const GpuModelTable& models) {
  ASSIGN_OR_RETURN(Table table, SplitCsv(text, file));
  ASSIGN_OR_RETURN(std::vector<int> columns,
                   Columns(table, file, {"name", "cpu_milli", "memory_mib",
                                         "num_gpu", "gpu_milli"}));
  std::optional<int> spec_column = table.Column("gpu_spec");
  std::vector<std::pair<std::string, PodRequest>> pods;
  for (const Row& row : table.rows) {
    ASSIGN_OR_RETURN(absl::string_view name, row.Text(columns[0], "name"));
    ASSIGN_OR_RETURN(PodRequest pod,
                     ParsePodRow(row, columns, spec_column, models));
    pods.emplace_back(std::string(name), pod);
  }
  std::stable_sort(pods.begin(), pods.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  TraceWorkload workload;
  workload.name = std::string(file);
  for (auto& [name, pod] : pods) {
    workload.pod_names.push_back(std::move(name));
    workload.pods.push_back(pod);
  }
  return workload;
}

absl::StatusOr<TraceCluster> LoadNodeFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseNodeCsv(text, path);
}

absl::StatusOr<TraceWorkload> LoadPodFile(const std::string& path,
                                          const GpuModelTable& models) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  ASSIGN_OR_RETURN(TraceWorkload workload, ParsePodCsv(text, path, models));
  absl::string_view stem = path;
  if (size_t slash = stem.rfind('/'); slash != absl::string_view::npos) {
    stem.remove_prefix(slash + 1);
  }
  workload.name = std::string(absl::StripSuffix(stem, ".csv"));
  return workload;
}

}  // namespace gpulet::sched
