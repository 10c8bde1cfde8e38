// Status propagation macros with abseil's names.
//
// Debian's abseil (20220623) ships no status_macros.h; these keep the
// spelling of the upstream ones so that a later upgrade is a rename.
//
// Example:
//   absl::StatusOr<Config> Load(std::string_view path) {
//     ASSIGN_OR_RETURN(std::string text, ReadFile(path));
//     RETURN_IF_ERROR(Validate(text));
//     return Parse(text);
//   }
#ifndef GPULET_BASE_STATUS_MACROS_H_
#define GPULET_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GPULET_STATUS_CONCAT_INNER_(a, b) a##b
#define GPULET_STATUS_CONCAT_(a, b) GPULET_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    ::absl::Status gpulet_status_ = (expr);                     \
    if (!gpulet_status_.ok()) return gpulet_status_;            \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs`, which may be a declaration.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  GPULET_ASSIGN_OR_RETURN_IMPL_(     \
      GPULET_STATUS_CONCAT_(gpulet_statusor_, __LINE__), lhs, rexpr)

#define GPULET_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // GPULET_BASE_STATUS_MACROS_H_
