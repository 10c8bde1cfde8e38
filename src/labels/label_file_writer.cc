#include "labels/label_file_writer.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "labels/gfd_labeler.h"

namespace gpulet::labels {
namespace {

LabelMap WithoutTimestamp(LabelMap labels) {
  labels.erase(kTimestampLabel);
  return labels;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

bool LabelFileWriter::NeedsWrite(const LabelMap& labels, WallTime now) const {
  if (!written_.has_value() || *written_ != WithoutTimestamp(labels)) return true;
  if (!FileExists(path_)) return true;
  if (!expiry_.has_value()) return false;
  auto left = *expiry_ - now;
  return left < sleep_interval_ * kExpiryIntervals / 2;
}

void LabelFileWriter::AdoptExistingFile() {
  adopted_ = true;
  std::ifstream in(path_);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<LabelFileContents> contents = ParseLabelFile(text.str());
  if (!contents.ok()) return;  // not ours, or damaged: rewrite it
  written_ = WithoutTimestamp(std::move(contents->labels));
  expiry_ = contents->expiry;
}

absl::StatusOr<bool> LabelFileWriter::Update(const LabelMap& labels, WallTime now) {
  if (!adopted_) AdoptExistingFile();
  if (!NeedsWrite(labels, now)) return false;
  std::optional<WallTime> expiry;
  if (sleep_interval_ != std::chrono::nanoseconds::max()) {
    // Rounded up: the directive has whole seconds, and rounding down would
    // put a sub-second interval's expiry at or before now.
    expiry = std::chrono::ceil<std::chrono::seconds>(now + sleep_interval_ * kExpiryIntervals);
  }
  std::string text = RenderLabelFile(labels, expiry);
  if (text.size() > kMaxLabelFileSize) {
    return absl::FailedPreconditionError(
        "labels for \"" + path_ + "\" take " + std::to_string(text.size()) +
        " bytes, over nfd-worker's limit of 65536");
  }
  absl::Status status = WriteFileAtomically(path_, text, 0644);
  if (!status.ok()) return status;
  written_ = WithoutTimestamp(labels);
  expiry_ = expiry;
  return true;
}

absl::Status LabelFileWriter::Remove() {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return absl::ErrnoToStatus(errno, "removing \"" + path_ + "\"");
  }
  written_.reset();
  return absl::OkStatus();
}

}  // namespace gpulet::labels
