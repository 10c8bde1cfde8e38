#include "plugin/kubelet_registrar.h"

#include "absl/strings/str_cat.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "plugin/device_plugin_service.h"
#include "plugin/grpc_status.h"

namespace gpulet::plugin {

absl::Status KubeletRegistrar::Register(const std::string& resource_name,
                                        const std::string& endpoint) {
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      "unix://" + kubelet_socket_, grpc::InsecureChannelCredentials());
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
