// LabelFileWriter: keeps one features.d file in step with the labels of
// each pass, for nfd-worker to read.
//
// Writes through WriteFileAtomically (mode 0644), so nfd-worker, running as
// another user, never sees a partial or unreadable file. Rewrites only when
// a label other than gfd.timestamp changed, the file vanished, or the
// expiry directive needs moving forward; the first Update compares with the
// file a previous writer left (a SIGHUP reload or a restart), so a new
// timestamp alone does not rewrite it either: with a finite sleep interval the
// file carries "# +expiry-time=" kExpiryIntervals intervals ahead and is
// refreshed once less than half of that is left, so the labels of a
// labeller that died without cleaning up expire instead of lingering.
//
// Not thread-safe: one writer per file, used by the feature discovery loop.
#ifndef GPULET_LABELS_LABEL_FILE_WRITER_H_
#define GPULET_LABELS_LABEL_FILE_WRITER_H_

#include <chrono>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/label_file.h"
#include "labels/label_sink.h"
#include "labels/labeler.h"

namespace gpulet::labels {

// How many sleep intervals ahead the expiry directive points.
inline constexpr int kExpiryIntervals = 4;

class LabelFileWriter final : public LabelSink {
 public:
  // `sleep_interval`: the labelling period; kSleepForever (config_file.h)
  // or nanoseconds::max() for no expiry.
  LabelFileWriter(std::string path, std::chrono::nanoseconds sleep_interval)
      : path_(std::move(path)), sleep_interval_(sleep_interval) {}

  // Brings the file up to date with `labels` at time `now`. Returns true
  // when it wrote the file. FailedPrecondition when the text would exceed
  // nfd-worker's 64 KiB limit; otherwise WriteFileAtomically's errors (the
  // previous file is then untouched).
  absl::StatusOr<bool> Update(const LabelMap& labels, WallTime now) override;

  // Removes the file, as GFD does on a clean exit so that its labels go
  // away with it. OK when the file is already gone; the errno-derived code
  // naming the path otherwise.
  absl::Status Remove() override;

  std::string Describe() const override { return path_; }

  const std::string& path() const { return path_; }

 private:
  bool NeedsWrite(const LabelMap& labels, WallTime now) const;
  // Takes the labels and expiry of the file at path_ as written, when it
  // parses.
  void AdoptExistingFile();

  std::string path_;
  std::chrono::nanoseconds sleep_interval_;
  std::optional<LabelMap> written_;  // without the timestamp
  std::optional<WallTime> expiry_;
  bool adopted_ = false;
};

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_LABEL_FILE_WRITER_H_
