// ReadTextFile: the whole content of a (small) input file, for the parsers
// of trace.h and paper_summary.h, which take text.
#ifndef GPULET_SCHED_TEXT_FILE_H_
#define GPULET_SCHED_TEXT_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace gpulet::sched {

// NotFound when `path` cannot be opened, DataLoss when reading fails.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_TEXT_FILE_H_
