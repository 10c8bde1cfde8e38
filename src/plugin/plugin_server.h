// PluginServer: the gRPC server of one resource on its unix socket
// (<socket dir>/nvidia-<name>.sock), serving DevicePluginService.
//
// Start() removes a stale socket file, binds and serves; Stop() finishes the
// ListAndWatch streams with OK, shuts the
// server down with a deadline, then unlinks the socket. The socket file is
// only ever unlinked by Stop(): if someone else deletes it, the Manager
// notices (SocketDirWatcher) and restarts this server.
//
// Single use: after Stop(), a restart builds a new PluginServer.
//
// Thread-compatible: Start/Stop are called by the Manager thread only; the
// served RPCs run on gRPC's threads.
#ifndef GPULET_PLUGIN_PLUGIN_SERVER_H_
#define GPULET_PLUGIN_PLUGIN_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "plugin/device_plugin_service.h"
#include "plugin/plugin_metrics.h"
#include "plugin/resource_publisher.h"

namespace gpulet::plugin {

// "nvidia-gpu.sock" for "nvidia.com/gpu", "nvidia-mig-1g.10gb.sock" for
// "nvidia.com/mig-1g.10gb": NVIDIA's socket names.
std::string SocketNameForResource(std::string_view resource_name);

class PluginServer {
 public:
  // `socket_path` must be shorter than 108 bytes (sockaddr_un).
  PluginServer(std::string resource_name, std::string socket_path,
               std::shared_ptr<ResourcePublisher> publisher,
               std::shared_ptr<PluginMetrics> metrics);
  ~PluginServer();  // Stop()s with a zero grace period when still serving.
  PluginServer(const PluginServer&) = delete;
  PluginServer& operator=(const PluginServer&) = delete;

  // Errors: InvalidArgument for a socket path too long; Unavailable when
  // the socket cannot be bound or a stale file cannot be removed.
  absl::Status Start();
  // Finishes streams, waits up to `grace` for RPCs in flight, cancels the
  // rest, then unlinks the socket. Returns the unlink error, if any.
  absl::Status Stop(std::chrono::milliseconds grace);

  bool serving() const { return server_ != nullptr; }
  const std::string& resource_name() const { return resource_name_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::shared_ptr<ResourcePublisher>& publisher() const { return publisher_; }

 private:
  const std::string resource_name_;
  const std::string socket_path_;
  const std::shared_ptr<ResourcePublisher> publisher_;
  DevicePluginService service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_PLUGIN_SERVER_H_
