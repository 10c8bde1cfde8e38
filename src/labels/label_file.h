// The features.d file format that nfd-worker's `local` source reads
// (reference nfd.md §2-3): one "key=value" line per label, sorted, under an
// optional "# +expiry-time=<RFC3339>" directive after which nfd-worker
// drops the labels, so labels of a dead labeller age out.
//
// Render and Parse are pure functions; thread-safe.
#ifndef GPULET_LABELS_LABEL_FILE_H_
#define GPULET_LABELS_LABEL_FILE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "labels/label_sink.h"
#include "labels/labeler.h"

namespace gpulet::labels {

// nfd-worker skips files larger than this (MaxFeatureFileSize).
inline constexpr size_t kMaxLabelFileSize = 65536;

// "2030-01-02T03:04:05Z" (UTC, whole seconds), the form nfd-worker parses.
std::string FormatRfc3339(WallTime time);
// The inverse, for "YYYY-MM-DDTHH:MM:SSZ" only. InvalidArgument quoting
// `text` otherwise.
absl::StatusOr<WallTime> ParseRfc3339(std::string_view text);

// The file's text: the expiry directive first when `expiry` is set, then
// "key=value\n" per label in key order.
std::string RenderLabelFile(const LabelMap& labels, std::optional<WallTime> expiry);

struct LabelFileContents {
  LabelMap labels;
  std::optional<WallTime> expiry;  // of the last directive
};

// Parses `text` strictly under nfd-worker's rules, failing where nfd-worker
// would log and drop something: InvalidArgument naming the 1-based line for
// a key that is not a valid qualified label name, a key in a denied
// namespace (kubernetes.io and *.kubernetes.io other than
// feature.node/profile.node), an invalid value, an unknown directive or bad
// expiry time, a duplicate key; FailedPrecondition when the file is over
// kMaxLabelFileSize. Comments and empty lines are skipped.
absl::StatusOr<LabelFileContents> ParseLabelFile(std::string_view text);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_LABEL_FILE_H_
