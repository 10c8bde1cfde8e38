// Process-wide log set-up for operators: one line per event, to stderr,
// with a timestamp and level, as spdlog's default logger.
//
// Call InitLogging() once from main() before any thread starts; after that
// spdlog's default logger is thread-safe.
#ifndef GPULET_BASE_LOGGING_H_
#define GPULET_BASE_LOGGING_H_

#include <string_view>

#include "absl/status/status.h"

namespace gpulet {

// Sets the default logger's level from a name: trace, debug, info, warn,
// error, off. Returns InvalidArgument naming the value when unknown.
absl::Status InitLogging(std::string_view level);

}  // namespace gpulet

#endif  // GPULET_BASE_LOGGING_H_
