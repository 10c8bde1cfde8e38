// Parsers for the two /proc files checkpoint/ reads per process: maps (does
// it map the CUDA driver library?) and stat (who is its parent?), and the
// names under /proc.
//
// Free functions over text, thread-safe. Standard library only (the CRIU
// plugin links them).
#ifndef GPULET_CHECKPOINT_PROC_FILES_H_
#define GPULET_CHECKPOINT_PROC_FILES_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace gpulet::checkpoint {

// True when a line of /proc/PID/maps maps the CUDA driver library: a file
// whose name is "libcuda.so" or "libcuda.so.<suffix>" (the runtime
// libcudart.so and unrelated names do not count; " (deleted)" after an
// upgraded driver still does). Lines without a path, or too short to be a
// maps line (a truncated read), are skipped.
bool MapsCudaDriver(std::string_view maps);

// The parent pid (4th field) of a /proc/PID/stat line. The command name in
// parentheses may contain spaces and ')', so the fields start after the
// last ')'. nullopt when the line is malformed.
std::optional<pid_t> ParseStatParentPid(std::string_view stat);

// A PID written in decimal, whole (a /proc entry's name, a --pid argument);
// nullopt for anything else, zero and negatives included.
std::optional<pid_t> ParsePid(std::string_view text);

// The host path "/proc/<pid>/<file>".
std::string ProcPath(pid_t pid, std::string_view file);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PROC_FILES_H_
