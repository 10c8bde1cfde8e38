// PlainStatus: absl::Status's shape (a canonical code and a message) for the
// part of checkpoint/ that the CRIU plugin links.
//
// Why not absl::Status: the plugin is a shared object that CRIU dlopen()s on
// nodes that have no abseil, so abseil would have to be linked into it
// statically, and Debian's abseil archives are not position-independent
// (cordz keeps local-exec TLS), so they cannot go into a shared object. The
// core therefore stays on the standard library below ProcessCheckpointer,
// which turns a PlainStatus into an absl::Status with ToAbslStatus(); the
// codes are numerically absl::StatusCode's, so that is a cast.
//
// A value type; thread-compatible.
#ifndef GPULET_CHECKPOINT_PLAIN_STATUS_H_
#define GPULET_CHECKPOINT_PLAIN_STATUS_H_

#include <string>
#include <utility>

namespace gpulet::checkpoint {

// The absl::StatusCode values checkpoint/ uses, with the same numbers.
enum class PlainCode {
  kOk = 0,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kFailedPrecondition = 9,
  kAborted = 10,
  kInternal = 13,
  kUnavailable = 14,
};

class PlainStatus {
 public:
  PlainStatus() = default;
  PlainStatus(PlainCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == PlainCode::kOk; }
  PlainCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  PlainCode code_ = PlainCode::kOk;
  std::string message_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PLAIN_STATUS_H_
