// ListWatcher: one ListAndWatch stream to a plugin socket, read on a thread
// of its own as the kubelet reads it, handing every list to a callback the
// moment it arrives (the soak checks each list, not only the latest).
//
// ListWatchers keeps one watcher per resource and replaces it whenever the
// resource registers again, which is when the kubelet opens a new stream.
//
// Thread-safety: the callbacks run on the watcher threads; Refresh() and
// the destructors belong to one owning thread.
#ifndef GPULET_TESTS_SOAK_LIST_WATCHER_H_
#define GPULET_TESTS_SOAK_LIST_WATCHER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace gpulet::soak {

// (resource, list); called on a watcher thread.
using ListCallback =
    std::function<void(const std::string&, const v1beta1::ListAndWatchResponse&)>;
// (resource); the stream ended.
using EndCallback = std::function<void(const std::string&)>;

class ListWatcher {
 public:
  ListWatcher(std::string resource, const std::string& socket_path, ListCallback on_list,
              EndCallback on_end);
  ~ListWatcher();  // Cancels the stream and joins.
  ListWatcher(const ListWatcher&) = delete;
  ListWatcher& operator=(const ListWatcher&) = delete;

 private:
  void Run();

  const std::string resource_;
  const ListCallback on_list_;
  const EndCallback on_end_;
  std::unique_ptr<v1beta1::DevicePlugin::Stub> stub_;
  grpc::ClientContext context_;
  std::thread thread_;
};

class ListWatchers {
 public:
  ListWatchers(std::string socket_dir, ListCallback on_list, EndCallback on_end)
      : socket_dir_(std::move(socket_dir)), on_list_(std::move(on_list)),
        on_end_(std::move(on_end)) {}

  // `registrations` is everything the kubelet received, oldest first; a
  // resource whose latest registration is newer than its stream gets a new
  // stream.
  void Refresh(const std::vector<v1beta1::RegisterRequest>& registrations);

 private:
  struct Watched {
    size_t registration = 0;
    std::unique_ptr<ListWatcher> watcher;
  };
  const std::string socket_dir_;
  const ListCallback on_list_;
  const EndCallback on_end_;
  std::map<std::string, Watched> watched_;
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_LIST_WATCHER_H_
