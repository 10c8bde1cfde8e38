// Parsers for what `cuda-checkpoint` prints. Free functions over text, so
// that malformed output is tested without running anything.
//
// Thread-safe (pure functions). Standard library only (the CRIU plugin
// links them).
#ifndef GPULET_CHECKPOINT_TOOL_OUTPUT_H_
#define GPULET_CHECKPOINT_TOOL_OUTPUT_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "checkpoint/cuda_state.h"

namespace gpulet::checkpoint {

// `--get-restore-tid` output: one positive decimal TID, surrounding
// whitespace allowed; nullopt for anything else.
std::optional<pid_t> ParseRestoreTid(std::string_view output);

// `--get-state` output: one of the tool's state words, surrounding
// whitespace allowed; nullopt for anything else.
std::optional<CudaState> ParseStateOutput(std::string_view output);

// Whether `-h` output offers the `--action` interface (r555 and later);
// r550's tool only has `--toggle`.
bool HelpHasActionInterface(std::string_view help);

// The first non-empty line of `output`, trimmed and cut to 200 bytes, for
// error messages; "(no output)" when there is none.
std::string FirstOutputLine(std::string_view output);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_TOOL_OUTPUT_H_
