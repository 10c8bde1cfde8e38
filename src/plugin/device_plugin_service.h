// DevicePluginService: the v1beta1 DevicePlugin gRPC service of one
// resource, on the callback API.
//
// Every RPC loads the resource's current ResourceSnapshot once and answers
// from it: Allocate and GetPreferredAllocation through its backend,
// ListAndWatch through a ListAndWatchReactor. Handlers run on gRPC's
// threads, never block and never call NVML.
//
// Thread-safe. The publisher and metrics must outlive the server that
// serves this service.
#ifndef GPULET_PLUGIN_DEVICE_PLUGIN_SERVICE_H_
#define GPULET_PLUGIN_DEVICE_PLUGIN_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "plugin/plugin_metrics.h"
#include "plugin/resource_publisher.h"

namespace gpulet::plugin {

class DevicePluginService final : public v1beta1::DevicePlugin::CallbackService {
 public:
  DevicePluginService(std::string resource_name,
                      std::shared_ptr<ResourcePublisher> publisher,
                      std::shared_ptr<PluginMetrics> metrics);

  // Makes every ListAndWatch stream finish with OK; new streams finish at
  // once. Called by PluginServer::Stop() before shutting the server down.
  void StopStreams();

  // The options this plugin registers with and reports.
  static v1beta1::DevicePluginOptions Options();

  // v1beta1::DevicePlugin::CallbackService
  grpc::ServerUnaryReactor* GetDevicePluginOptions(
      grpc::CallbackServerContext* context, const v1beta1::Empty* request,
      v1beta1::DevicePluginOptions* response) override;
  grpc::ServerWriteReactor<v1beta1::ListAndWatchResponse>* ListAndWatch(
      grpc::CallbackServerContext* context, const v1beta1::Empty* request) override;
  grpc::ServerUnaryReactor* GetPreferredAllocation(
      grpc::CallbackServerContext* context,
      const v1beta1::PreferredAllocationRequest* request,
      v1beta1::PreferredAllocationResponse* response) override;
  grpc::ServerUnaryReactor* Allocate(grpc::CallbackServerContext* context,
                                     const v1beta1::AllocateRequest* request,
                                     v1beta1::AllocateResponse* response) override;
  grpc::ServerUnaryReactor* PreStartContainer(
      grpc::CallbackServerContext* context,
      const v1beta1::PreStartContainerRequest* request,
      v1beta1::PreStartContainerResponse* response) override;

 private:
  absl::Status DoAllocate(const v1beta1::AllocateRequest& request,
                          v1beta1::AllocateResponse& response);
  absl::Status DoPreferred(const v1beta1::PreferredAllocationRequest& request,
                           v1beta1::PreferredAllocationResponse& response);

  const std::string resource_name_;
  const std::shared_ptr<ResourcePublisher> publisher_;
  const std::shared_ptr<PluginMetrics> metrics_;
  std::atomic<bool> stopping_{false};
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_DEVICE_PLUGIN_SERVICE_H_
