// Conversion between absl::Status and grpc::Status.
//
// The canonical codes of both libraries have the same numbers and meanings,
// so the mapping is 1:1: an InvalidArgument from an allocator reaches the
// kubelet as INVALID_ARGUMENT with the same message.
//
// Stateless; thread-safe.
#ifndef GPULET_PLUGIN_GRPC_STATUS_H_
#define GPULET_PLUGIN_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gpulet::plugin {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_GRPC_STATUS_H_
