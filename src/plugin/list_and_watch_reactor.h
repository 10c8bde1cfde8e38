// ListAndWatchReactor: one kubelet ListAndWatch stream.
//
// Sends the current device list at once, then the latest list whenever the
// ResourcePublisher's version moves past the one last sent. Versions, not
// events, drive it: if several snapshots are published while a write is in
// flight, only the newest is sent next, and nothing is queued. The stream
// finishes with OK when its server stops (`stopping` turns true and the
// publisher is woken), and with
// the write's failure when a Send fails — never OK for a failed Send.
//
// Owned by gRPC: created in ListAndWatch(), deletes itself in OnDone().
// Reactions and notifications run on gRPC and publisher threads; they
// never block and never call NVML. Thread-safe through mu_.
#ifndef GPULET_PLUGIN_LIST_AND_WATCH_REACTOR_H_
#define GPULET_PLUGIN_LIST_AND_WATCH_REACTOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "grpcpp/grpcpp.h"
#include "plugin/resource_publisher.h"

namespace gpulet::plugin {

class ListAndWatchReactor final
    : public grpc::ServerWriteReactor<v1beta1::ListAndWatchResponse> {
 public:
  // `stopping` belongs to the service and outlives the stream (the server
  // waits for every call before the service goes).
  ListAndWatchReactor(std::shared_ptr<ResourcePublisher> publisher,
                      const std::atomic<bool>* stopping);

  // grpc::ServerWriteReactor
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  ~ListAndWatchReactor() override = default;

  // Called on publish or close: writes the newest list if none is in flight.
  void OnPublished() ABSL_LOCKS_EXCLUDED(mu_);
  // Decides the next step with mu_ held: returns true when the caller must
  // StartWrite(&message_) after unlocking; may set finish_ instead.
  bool PrepareNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Step() ABSL_LOCKS_EXCLUDED(mu_);

  const std::shared_ptr<ResourcePublisher> publisher_;
  const std::atomic<bool>* const stopping_;
  ResourcePublisher::SubscriptionId subscription_ = 0;

  std::mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool sent_any_ ABSL_GUARDED_BY(mu_) = false;
  // Written only by the thread that set writing_, read by gRPC until
  // OnWriteDone.
  v1beta1::ListAndWatchResponse message_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_LIST_AND_WATCH_REACTOR_H_
