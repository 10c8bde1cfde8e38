#include "kubelet_emulator.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace gpulet::testing {

SocketDir::SocketDir() {
  char templ[] = "/tmp/gp-XXXXXX";
  const char* made = mkdtemp(templ);
  path_ = made != nullptr ? made : "";
}

SocketDir::~SocketDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

class KubeletEmulator::Service final : public v1beta1::Registration::Service {
 public:
  grpc::Status Register(grpc::ServerContext* context, const v1beta1::RegisterRequest* request,
                        v1beta1::Empty*) override {
    std::unique_lock<std::mutex> lock(mu_);
    attempts_.push_back(request->resource_name());
    changed_.notify_all();
    // A hung kubelet: the call ends when the caller gives up.
    auto hangs = [&] {
      return hang_ && (hang_only_.empty() || hang_only_ == request->resource_name());
    };
    while (hangs() && !context->IsCancelled()) {
      changed_.wait_for(lock, std::chrono::milliseconds(10));
    }
    if (hangs()) return grpc::Status(grpc::StatusCode::CANCELLED, "caller gave up");
    if (fail_code_ != grpc::StatusCode::OK) {
      return grpc::Status(fail_code_, "registration refused by the emulator");
    }
    registrations_.push_back(*request);
    changed_.notify_all();
    return grpc::Status::OK;
  }

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<v1beta1::RegisterRequest> registrations_ ABSL_GUARDED_BY(mu_);
  grpc::StatusCode fail_code_ ABSL_GUARDED_BY(mu_) = grpc::StatusCode::OK;
  std::vector<std::string> attempts_ ABSL_GUARDED_BY(mu_);
  bool hang_ ABSL_GUARDED_BY(mu_) = false;
  std::string hang_only_ ABSL_GUARDED_BY(mu_);  // empty: every resource
};

KubeletEmulator::KubeletEmulator(std::string dir)
    : dir_(std::move(dir)), service_(std::make_unique<Service>()) {}

KubeletEmulator::~KubeletEmulator() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  unlink(socket_path().c_str());
}

absl::StatusOr<std::unique_ptr<KubeletEmulator>> KubeletEmulator::Start(std::string dir) {
  std::unique_ptr<KubeletEmulator> emulator(new KubeletEmulator(std::move(dir)));
  if (absl::Status s = emulator->Serve(); !s.ok()) return s;
  return emulator;
}

absl::Status KubeletEmulator::Serve() {
  unlink(socket_path().c_str());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket_path(), grpc::InsecureServerCredentials());
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve on ", socket_path()));
  }
  return absl::OkStatus();
}

absl::Status KubeletEmulator::Restart() {
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  server_.reset();
  unlink(socket_path().c_str());
  return Serve();
}

void KubeletEmulator::FailRegistrations(grpc::StatusCode code) {
  std::unique_lock<std::mutex> lock(service_->mu_);
  service_->fail_code_ = code;
}

void KubeletEmulator::HangRegistrations(bool hang, std::string only_resource) {
  std::unique_lock<std::mutex> lock(service_->mu_);
  service_->hang_ = hang;
  service_->hang_only_ = std::move(only_resource);
  service_->changed_.notify_all();
}

std::vector<std::string> KubeletEmulator::Attempts() const {
  std::unique_lock<std::mutex> lock(service_->mu_);
  return service_->attempts_;
}

bool KubeletEmulator::WaitForAttempts(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(service_->mu_);
  return service_->changed_.wait_for(
      lock, timeout, [&] { return service_->attempts_.size() >= count; });
}

std::vector<v1beta1::RegisterRequest> KubeletEmulator::Registrations() const {
  std::unique_lock<std::mutex> lock(service_->mu_);
  return service_->registrations_;
}

bool KubeletEmulator::WaitForRegistrations(size_t count,
                                           std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(service_->mu_);
  return service_->changed_.wait_for(
      lock, timeout, [&] { return service_->registrations_.size() >= count; });
}

PluginClient::PluginClient(const std::string& socket_path)
    : channel_(grpc::CreateChannel("unix://" + socket_path,
                                   grpc::InsecureChannelCredentials())),
      stub_(v1beta1::DevicePlugin::NewStub(channel_)) {}

PluginClient::~PluginClient() {
  if (watch_thread_.joinable()) {
    watch_context_.TryCancel();
    watch_thread_.join();
  }
}

namespace {

void Prepare(grpc::ClientContext& context) {
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

}  // namespace

grpc::Status PluginClient::GetDevicePluginOptions(v1beta1::DevicePluginOptions* out) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetDevicePluginOptions(&context, v1beta1::Empty(), out);
}

grpc::Status PluginClient::Allocate(const std::vector<std::vector<std::string>>& containers,
                                    v1beta1::AllocateResponse* out) {
  v1beta1::AllocateRequest request;
  for (const auto& ids : containers) {
    auto* container = request.add_container_requests();
    for (const std::string& id : ids) container->add_devices_ids(id);
  }
  grpc::ClientContext context;
  Prepare(context);
  return stub_->Allocate(&context, request, out);
}

grpc::Status PluginClient::GetPreferredAllocation(
    const std::vector<std::string>& available, const std::vector<std::string>& must_include,
    int size, v1beta1::PreferredAllocationResponse* out) {
  v1beta1::PreferredAllocationRequest request;
  auto* container = request.add_container_requests();
  for (const std::string& id : available) container->add_available_deviceids(id);
  for (const std::string& id : must_include) container->add_must_include_deviceids(id);
  container->set_allocation_size(size);
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetPreferredAllocation(&context, request, out);
}

grpc::Status PluginClient::PreStartContainer(const std::vector<std::string>& ids) {
  v1beta1::PreStartContainerRequest request;
  for (const std::string& id : ids) request.add_devices_ids(id);
  v1beta1::PreStartContainerResponse response;
  grpc::ClientContext context;
  Prepare(context);
  return stub_->PreStartContainer(&context, request, &response);
}

void PluginClient::StartWatch() {
  watch_context_.set_wait_for_ready(true);
  watch_thread_ = std::thread([this] {
    std::unique_ptr<grpc::ClientReader<v1beta1::ListAndWatchResponse>> reader =
        stub_->ListAndWatch(&watch_context_, v1beta1::Empty());
    v1beta1::ListAndWatchResponse list;
    while (reader->Read(&list)) {
      std::unique_lock<std::mutex> lock(mu_);
      lists_.push_back(list);
      changed_.notify_all();
    }
    grpc::Status status = reader->Finish();
    std::unique_lock<std::mutex> lock(mu_);
    watch_done_ = true;
    watch_status_ = status;
    changed_.notify_all();
  });
}

bool PluginClient::WaitForList(
    const std::function<bool(const v1beta1::ListAndWatchResponse&)>& done,
    std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout,
                           [&] { return !lists_.empty() && done(lists_.back()); });
}

size_t PluginClient::ListsReceived() const {
  std::unique_lock<std::mutex> lock(mu_);
  return lists_.size();
}

v1beta1::ListAndWatchResponse PluginClient::LatestList() const {
  std::unique_lock<std::mutex> lock(mu_);
  return lists_.empty() ? v1beta1::ListAndWatchResponse() : lists_.back();
}

grpc::Status PluginClient::WaitForWatchEnd(std::chrono::milliseconds timeout) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!changed_.wait_for(lock, timeout, [&] { return watch_done_; })) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "watch still running");
    }
  }
  watch_thread_.join();
  std::unique_lock<std::mutex> lock(mu_);
  return watch_status_;
}

size_t CountHealthy(const v1beta1::ListAndWatchResponse& list) {
  size_t n = 0;
  for (const auto& device : list.devices()) n += device.health() == "Healthy" ? 1 : 0;
  return n;
}

}  // namespace gpulet::testing
