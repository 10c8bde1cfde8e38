#include "list_watcher.h"

namespace gpulet::soak {

ListWatcher::ListWatcher(std::string resource, const std::string& socket_path,
                         ListCallback on_list, EndCallback on_end)
    : resource_(std::move(resource)), on_list_(std::move(on_list)), on_end_(std::move(on_end)) {
  stub_ = v1beta1::DevicePlugin::NewStub(
      grpc::CreateChannel("unix://" + socket_path, grpc::InsecureChannelCredentials()));
  thread_ = std::thread([this] { Run(); });
}

ListWatcher::~ListWatcher() {
  context_.TryCancel();
  thread_.join();
}

void ListWatcher::Run() {
  v1beta1::Empty request;
  std::unique_ptr<grpc::ClientReader<v1beta1::ListAndWatchResponse>> reader =
      stub_->ListAndWatch(&context_, request);
  v1beta1::ListAndWatchResponse list;
  while (reader->Read(&list)) on_list_(resource_, list);
  // The status matters less than the fact: the kubelet forgets the
  // resource's devices until the plugin registers again.
  (void)reader->Finish();
  on_end_(resource_);
}

void ListWatchers::Refresh(const std::vector<v1beta1::RegisterRequest>& registrations) {
  for (size_t i = 0; i < registrations.size(); ++i) {
    const v1beta1::RegisterRequest& r = registrations[i];
    Watched& watched = watched_[r.resource_name()];
    if (watched.watcher != nullptr && watched.registration >= i) continue;
    // The old stream ends first, so its end cannot arrive after the new
    // stream's first list.
    watched.watcher.reset();
    watched.registration = i;
    watched.watcher = std::make_unique<ListWatcher>(
        r.resource_name(), socket_dir_ + "/" + r.endpoint(), on_list_, on_end_);
  }
}

}  // namespace gpulet::soak
