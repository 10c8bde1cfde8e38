// ReadTextFile: the whole content of a (small) file, for parsers that take
// text (the trace and paper summaries of sched/) and for comparing a file
// with what would be written to it (config choices, CDI specs).
#ifndef GPULET_BASE_TEXT_FILE_H_
#define GPULET_BASE_TEXT_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace gpulet {

// NotFound when `path` cannot be opened, DataLoss when reading fails.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace gpulet

#endif  // GPULET_BASE_TEXT_FILE_H_
