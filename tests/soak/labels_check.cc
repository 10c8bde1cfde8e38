#include "labels_check.h"

#include <sys/stat.h>

#include <cerrno>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/text_file.h"

namespace gpulet::soak {
namespace {

// Keys every labelling pass of a GPU node writes; a file without one of
// them was cut short or written by something else.
constexpr const char* kRequiredKeys[] = {"nvidia.com/gpu.count", "nvidia.com/gpu.product",
                                         "nvidia.com/gpu.replicas", "nvidia.com/cuda.driver.major"};

}  // namespace

absl::StatusOr<LabelsFile> CheckLabelsText(const std::string& text) {
  if (text.empty() || text.back() != '\n') {
    return absl::DataLossError(absl::StrCat("labels file of ", text.size(),
                                            " bytes without a final newline"));
  }
  LabelsFile file;
  file.exists = true;
  std::set<std::string> keys;
  for (absl::string_view line : absl::StrSplit(text.substr(0, text.size() - 1), '\n')) {
    // NFD's expiry comment ("# +expiry-time=…") and any other comment.
    if (absl::StartsWith(line, "#")) continue;
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.first.empty() || !absl::StrContains(line, "=") || !absl::StrContains(kv.first, "/")) {
      return absl::DataLossError(absl::StrCat("labels line \"", line, "\" is not key=value"));
    }
    keys.emplace(kv.first);
    int replicas = 0;
    if (kv.first == "nvidia.com/gpu.replicas" && absl::SimpleAtoi(kv.second, &replicas)) {
      file.replicas = replicas;
    }
  }
  for (const char* key : kRequiredKeys) {
    if (!keys.contains(key)) return absl::DataLossError(absl::StrCat("labels without ", key));
  }
  return file;
}

absl::StatusOr<LabelsFile> CheckLabelsFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return LabelsFile{};
    return absl::ErrnoToStatus(errno, absl::StrCat("stat ", path));
  }
  if ((st.st_mode & S_IROTH) == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, " has mode ", st.st_mode & 07777, ": other users cannot read it"));
  }
  absl::StatusOr<std::string> text = ReadTextFile(path);
  // Replaced between stat and open: the next look sees the new file.
  if (absl::IsNotFound(text.status())) return LabelsFile{};
  if (!text.ok()) return text.status();
  return CheckLabelsText(*text);
}

}  // namespace gpulet::soak
