#include "plugin/device_plugin_service.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "plugin/grpc_status.h"
#include "plugin/list_and_watch_reactor.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

using Counter = PluginMetrics::Counter;

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

}  // namespace

DevicePluginService::DevicePluginService(std::string resource_name,
                                         std::shared_ptr<ResourcePublisher> publisher,
                                         std::shared_ptr<PluginMetrics> metrics)
    : resource_name_(std::move(resource_name)),
      publisher_(std::move(publisher)),
      metrics_(std::move(metrics)) {}

void DevicePluginService::StopStreams() {
  stopping_ = true;
  publisher_->Wake();
}

v1beta1::DevicePluginOptions DevicePluginService::Options() {
  v1beta1::DevicePluginOptions options;
  options.set_pre_start_required(false);
  options.set_get_preferred_allocation_available(true);
  return options;
}

grpc::ServerUnaryReactor* DevicePluginService::GetDevicePluginOptions(
    grpc::CallbackServerContext* context, const v1beta1::Empty* /*request*/,
    v1beta1::DevicePluginOptions* response) {
  *response = Options();
  return Done(context, absl::OkStatus());
}

grpc::ServerWriteReactor<v1beta1::ListAndWatchResponse>*
DevicePluginService::ListAndWatch(grpc::CallbackServerContext* /*context*/,
                                  const v1beta1::Empty* /*request*/) {
  return new ListAndWatchReactor(publisher_, &stopping_);
}

grpc::ServerUnaryReactor* DevicePluginService::GetPreferredAllocation(
    grpc::CallbackServerContext* context,
    const v1beta1::PreferredAllocationRequest* request,
    v1beta1::PreferredAllocationResponse* response) {
  return Done(context, DoPreferred(*request, *response));
}

grpc::ServerUnaryReactor* DevicePluginService::Allocate(
    grpc::CallbackServerContext* context, const v1beta1::AllocateRequest* request,
    v1beta1::AllocateResponse* response) {
  return Done(context, DoAllocate(*request, *response));
}

grpc::ServerUnaryReactor* DevicePluginService::PreStartContainer(
    grpc::CallbackServerContext* context,
    const v1beta1::PreStartContainerRequest* /*request*/,
    v1beta1::PreStartContainerResponse* /*response*/) {
  return Done(context, absl::OkStatus());
}

absl::Status DevicePluginService::DoAllocate(const v1beta1::AllocateRequest& request,
                                             v1beta1::AllocateResponse& response) {
  std::shared_ptr<const ResourceSnapshot> snapshot = publisher_->Current();
  for (const v1beta1::ContainerAllocateRequest& container : request.container_requests()) {
    absl::StatusOr<v1beta1::ContainerAllocateResponse> answer =
        snapshot->backend->Allocate(Ids(container.devices_ids()));
    if (!answer.ok()) {
      metrics_->Add(resource_name_, Counter::kAllocationErrors);
      spdlog::warn("Allocate {}: {}", resource_name_, answer.status());
      response.Clear();
      return answer.status();
    }
    *response.add_container_responses() = *std::move(answer);
  }
  metrics_->Add(resource_name_, Counter::kAllocations, request.container_requests_size());
  return absl::OkStatus();
}

absl::Status DevicePluginService::DoPreferred(
    const v1beta1::PreferredAllocationRequest& request,
    v1beta1::PreferredAllocationResponse& response) {
  std::shared_ptr<const ResourceSnapshot> snapshot = publisher_->Current();
  for (const auto& container : request.container_requests()) {
    absl::StatusOr<std::vector<std::string>> ids = snapshot->backend->PreferredAllocation(
        Ids(container.available_deviceids()), Ids(container.must_include_deviceids()),
        container.allocation_size());
    if (!ids.ok()) {
      spdlog::warn("GetPreferredAllocation {}: {}", resource_name_, ids.status());
      response.Clear();
      return ids.status();
    }
    auto* out = response.add_container_responses();
    for (std::string& id : *ids) out->add_deviceids(std::move(id));
  }
  metrics_->Add(resource_name_, Counter::kPreferredAllocations,
                request.container_requests_size());
  return absl::OkStatus();
}

}  // namespace gpulet::plugin
