// Durations written the way Go's time.ParseDuration reads them ("60s",
// "1m30s", "1.5h", "300ms"), because NVIDIA's flags, env vars and config
// file (--sleep-interval, GFD_SLEEP_INTERVAL, flags.gfd.sleepInterval) use
// that syntax and gpulet accepts the same text.
//
// Pure functions; thread-safe.
#ifndef GPULET_BASE_DURATION_H_
#define GPULET_BASE_DURATION_H_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet {

// Parses a Go duration: an optional sign, then one or more decimal numbers
// (with an optional fraction) each followed by a unit ns, us, µs, ms, s, m
// or h; "0" alone is zero. InvalidArgument quoting `text` for anything else
// (empty, missing unit, unknown unit, overflow past ~292 years).
absl::StatusOr<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

// Formats like Go's Duration.String(): "1m0s", "1h30m0s", "1.5s", "300ms",
// "0s". ParseGoDuration(FormatGoDuration(d)) == d.
std::string FormatGoDuration(std::chrono::nanoseconds duration);

}  // namespace gpulet

#endif  // GPULET_BASE_DURATION_H_
