#include "plugin/kubelet_registrar.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "plugin/device_plugin_service.h"
#include "plugin/grpc_status.h"

namespace gpulet::plugin {

absl::Status KubeletRegistrar::Register(const std::string& resource_name,
                                        const std::string& endpoint) {
  // No socket, no kubelet: fail at once rather than block the caller's
  // loop (and a SIGTERM) for the whole deadline; the directory watch
  // reports the socket when it appears.
  struct stat st;
  if (stat(kubelet_socket_.c_str(), &st) != 0) {
    return absl::UnavailableError(absl::StrCat("registering ", resource_name,
                                               ": no kubelet socket at ", kubelet_socket_));
  }
  // The socket file appears at bind(), a moment before the kubelet
  // listens; a connect in between is refused, and gRPC's default backoff
  // would then wait a whole second before trying again.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      "unix://" + kubelet_socket_, grpc::InsecureChannelCredentials(), args);
  std::unique_ptr<v1beta1::Registration::Stub> stub =
      v1beta1::Registration::NewStub(channel);
  v1beta1::RegisterRequest request;
  request.set_version("v1beta1");
  request.set_endpoint(endpoint);
  request.set_resource_name(resource_name);
  *request.mutable_options() = DevicePluginService::Options();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  // Wait for the connection up to the deadline instead of failing at once
  // while the kubelet is still opening its socket.
  context.set_wait_for_ready(true);
  v1beta1::Empty response;
  grpc::Status status = stub->Register(&context, request, &response);
  if (status.ok()) return absl::OkStatus();
  absl::Status error = FromGrpcStatus(status);
  // With wait_for_ready an absent kubelet shows up as a deadline.
  absl::StatusCode code = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                              ? absl::StatusCode::kUnavailable
                              : error.code();
  return absl::Status(code,
                      absl::StrCat("registering ", resource_name, " with the kubelet at ",
                                   kubelet_socket_, ": ", error.message()));
}

}  // namespace gpulet::plugin
