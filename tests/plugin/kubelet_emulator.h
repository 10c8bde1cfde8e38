// KubeletEmulator: the kubelet's side of the device plugin API, for tests
// and benchmarks — a v1beta1 Registration server on <dir>/kubelet.sock
// that records what plugins register, and PluginClient, which connects
// back to a plugin's socket and drives its RPCs as the kubelet does.
//
// Restart() behaves like a kubelet restart: the socket is removed and
// created again, so a plugin watching the directory re-registers.
//
// Thread-safe: registrations are recorded on gRPC threads and read on the
// test's thread.
#ifndef GPULET_TESTS_PLUGIN_KUBELET_EMULATOR_H_
#define GPULET_TESTS_PLUGIN_KUBELET_EMULATOR_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace gpulet::testing {

// A short temporary directory (/tmp/gp-XXXXXX) for unix sockets, whose
// paths must stay under 108 bytes; removed with its contents.
class SocketDir {
 public:
  SocketDir();
  ~SocketDir();
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class KubeletEmulator {
 public:
  // Serves Registration on `dir`/kubelet.sock.
  static absl::StatusOr<std::unique_ptr<KubeletEmulator>> Start(std::string dir);
  ~KubeletEmulator();

  // Stops serving and removes kubelet.sock, then serves on a new one.
  absl::Status Restart();
  // Makes Register fail with `code` (OK: succeed again).
  void FailRegistrations(grpc::StatusCode code);
  // Makes Register answer nothing until the caller gives up (false: answer
  // again), for every resource or only `only_resource`.
  void HangRegistrations(bool hang, std::string only_resource = "");
  // The resource name of every Register call received, answered or not.
  std::vector<std::string> Attempts() const;
  bool WaitForAttempts(size_t count, std::chrono::milliseconds timeout) const;

  std::vector<v1beta1::RegisterRequest> Registrations() const;
  // Waits until at least `count` registrations were received.
  bool WaitForRegistrations(size_t count, std::chrono::milliseconds timeout) const;

  const std::string& dir() const { return dir_; }
  std::string socket_path() const { return dir_ + "/kubelet.sock"; }

 private:
  class Service;
  explicit KubeletEmulator(std::string dir);
  absl::Status Serve();

  const std::string dir_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

// The kubelet's client of one plugin socket.
class PluginClient {
 public:
  // Connects to `socket_path` (not waiting; RPCs wait for readiness).
  explicit PluginClient(const std::string& socket_path);
  ~PluginClient();  // Cancels a running watch.

  grpc::Status GetDevicePluginOptions(v1beta1::DevicePluginOptions* out);
  grpc::Status Allocate(const std::vector<std::vector<std::string>>& containers,
                        v1beta1::AllocateResponse* out);
  grpc::Status GetPreferredAllocation(const std::vector<std::string>& available,
                                      const std::vector<std::string>& must_include,
                                      int size, v1beta1::PreferredAllocationResponse* out);
  grpc::Status PreStartContainer(const std::vector<std::string>& ids);

  // Starts reading ListAndWatch on a thread of its own.
  void StartWatch();
  // Waits until a received list satisfies `done` (checked on every list,
  // the latest included). False on timeout.
  bool WaitForList(const std::function<bool(const v1beta1::ListAndWatchResponse&)>& done,
                   std::chrono::milliseconds timeout) const;
  size_t ListsReceived() const;
  v1beta1::ListAndWatchResponse LatestList() const;
  // Waits for the stream to end and returns its status.
  grpc::Status WaitForWatchEnd(std::chrono::milliseconds timeout);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1beta1::DevicePlugin::Stub> stub_;
  grpc::ClientContext watch_context_;
  std::thread watch_thread_;
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees its
  // synchronisation (Debian's abseil is not built with TSan).
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<v1beta1::ListAndWatchResponse> lists_ ABSL_GUARDED_BY(mu_);
  bool watch_done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status watch_status_ ABSL_GUARDED_BY(mu_);
};

// Helpers over a device list.
size_t CountHealthy(const v1beta1::ListAndWatchResponse& list);

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_KUBELET_EMULATOR_H_
