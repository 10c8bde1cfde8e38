#include "doctor/label_checks.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "labels/gfd_labeler.h"
#include "labels/label_file.h"

namespace gpulet::doctor {
namespace {

// Labels that differ between `file` and `now`, the timestamp aside: one
// "key: A on file, B now" each.
std::vector<std::string> Differences(const labels::LabelMap& file, const labels::LabelMap& now) {
  std::vector<std::string> out;
  auto value = [](const labels::LabelMap& map, const std::string& key) {
    auto it = map.find(key);
    return it == map.end() ? std::string("(none)") : it->second;
  };
  labels::LabelMap keys = file;
  keys.insert(now.begin(), now.end());
  for (const auto& [key, ignored] : keys) {
    if (key == labels::kTimestampLabel) continue;
    std::string was = value(file, key), is = value(now, key);
    if (was != is) out.push_back(absl::StrCat(key, ": ", was, " on file, ", is, " now"));
  }
  return out;
}

void CheckLabelFile(const std::string& path, const labels::LabelMap* labels,
                    const hostfs::HostView& host, std::chrono::system_clock::time_point now,
                    Section& section) {
  absl::StatusOr<std::string> text = host.ReadFile(path);
  if (!text.ok()) {
    section.Warn(absl::StrCat("no label file ", path, ": feature discovery has not written it"),
                 "check that `gpulet feature-discovery` (or gpu-feature-discovery) runs on this "
                 "node and writes to this path");
    return;
  }
  absl::StatusOr<labels::LabelFileContents> contents = labels::ParseLabelFile(*text);
  if (!contents.ok()) {
    section.Problem(absl::StrCat(path, ": nfd-worker would drop it: ", contents.status().message()),
                    "delete the file; feature discovery rewrites it on its next pass", false);
    return;
  }
  section.facts["labels_on_file"] = contents->labels.size();
  if (contents->expiry.has_value() && *contents->expiry < now) {
    section.Warn(absl::StrCat(path, " expired at ", labels::FormatRfc3339(*contents->expiry),
                              ": NFD has dropped its labels"),
                 "feature discovery is not running or cannot write; check its pod on this node");
    return;
  }
  if (labels == nullptr) return;
  std::vector<std::string> differences = Differences(contents->labels, *labels);
  if (differences.empty()) {
    section.Ok(absl::StrCat(path, " is current (", contents->labels.size(), " labels)"));
    return;
  }
  Finding& stale = section.Warn(
      absl::StrCat(path, " is stale: ", differences.size(), " labels differ from this node's"),
      "feature discovery rewrites it every --sleep-interval; check that it runs and reads the "
      "same config");
  stale.details = std::move(differences);
}

}  // namespace

absl::StatusOr<labels::LabelMap> CheckLabels(std::shared_ptr<const inventory::Inventory> inventory,
                                             const Config& gfd, const hostfs::HostView& host,
                                             DoctorReport& report) {
  Section& section = report.AddSection("labels", "Labels");
  if (inventory == nullptr) inventory = std::make_shared<const inventory::Inventory>();
  absl::StatusOr<labels::LabelMap> labels =
      labels::NewGfdLabeler({inventory, std::make_shared<const Config>(gfd), host, std::nullopt})
          ->Labels();
  if (!labels.ok()) {
    section.Problem(absl::StrCat("feature discovery cannot label this node: ",
                                 labels.status().message()),
                    "see the Driver and GPUs sections", false);
    return labels.status();
  }
  section.facts["labels"] = *labels;
  Finding& finding = section.Ok(absl::StrCat(labels->size(), " labels would be published"));
  for (const auto& [key, value] : *labels) finding.details.push_back(absl::StrCat(key, "=", value));
  return labels;
}

void CheckNfd(const Config& gfd, const labels::LabelMap* labels, const hostfs::HostView& host,
              std::chrono::system_clock::time_point now, DoctorReport& report) {
  Section& section = report.AddSection("nfd", "Node Feature Discovery");
  const std::string& path = gfd.gfd.output_file;
  section.facts["features_file"] = path;
  if (gfd.gfd.use_node_feature_api) {
    section.Note("feature discovery publishes a NodeFeature object (--use-node-feature-api); "
                 "no features.d file to check");
    return;
  }
  if (path.empty()) {
    section.Note("feature discovery prints its labels (--output-file is empty)");
    return;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  section.facts["features_dir"] = dir;
  absl::StatusOr<hostfs::FileInfo> info = host.Stat(dir);
  if (!info.ok() || info->type != hostfs::FileInfo::Type::kDirectory) {
    section.Warn(absl::StrCat("no features.d directory ", dir,
                              ": nfd-worker's local source reads labels there"),
                 "deploy node-feature-discovery, or pass --features-file with the path its "
                 "worker's hostPath mounts");
    return;
  }
  section.Ok(absl::StrCat("features.d directory ", dir, " exists"));
  CheckLabelFile(path, labels, host, now, section);
}

}  // namespace gpulet::doctor
