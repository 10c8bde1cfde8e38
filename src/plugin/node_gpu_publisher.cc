#include "plugin/node_gpu_publisher.h"

#include <algorithm>

#include "base/absl_format.h"
#include "handoff/annotations.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {

std::vector<handoff::NodeGpu> NodeGpusOf(const inventory::Inventory& inventory,
                                         const std::function<bool(std::string_view)>& healthy) {
  std::vector<handoff::NodeGpu> out;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    handoff::NodeGpu node_gpu;
    node_gpu.uuid = gpu.uuid;
    node_gpu.index = static_cast<int>(gpu.index);
    node_gpu.model = gpu.name;
    node_gpu.memory_mib = static_cast<int64_t>(gpu.memory_total_mib());
    node_gpu.numa_node = gpu.numa_node.value_or(-1);
    node_gpu.healthy = gpu.problem.empty() && (!healthy || healthy(gpu.uuid));
    out.push_back(std::move(node_gpu));
  }
  return out;
}

NodeGpuPublisher::NodeGpuPublisher(HandoffApi* api, NodeGpuPublisherOptions options,
                                   HealthSource health)
    : api_(api), options_(std::move(options)), health_(std::move(health)),
      thread_([this] { Run(); }) {}

NodeGpuPublisher::~NodeGpuPublisher() { Stop(); }

void NodeGpuPublisher::Update(std::shared_ptr<const inventory::Inventory> inventory) {
  std::lock_guard<std::mutex> lock(mu_);
  inventory_ = std::move(inventory);
  dirty_ = true;
  cv_.notify_all();
}

void NodeGpuPublisher::HealthChanged() {
  std::lock_guard<std::mutex> lock(mu_);
  dirty_ = true;
  cv_.notify_all();
}

void NodeGpuPublisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::string NodeGpuPublisher::published() const {
  std::lock_guard<std::mutex> lock(mu_);
  return published_;
}

void NodeGpuPublisher::Run() {
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds delay{0};
  std::string last_error;
  Clock::time_point next_check = Clock::now() + options_.recheck;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (inventory_ == nullptr) {
      cv_.wait(lock, [this] { return stop_ || inventory_ != nullptr; });
      continue;
    }
    if (!dirty_ && Clock::now() < next_check) {
      cv_.wait_until(lock, next_check, [this] { return stop_ || dirty_; });
      continue;
    }
    // The periodic re-check writes even an unchanged text, which restores
    // an annotation someone else removed or edited.
    const bool recheck = !dirty_;
    dirty_ = false;
    std::shared_ptr<const inventory::Inventory> inventory = inventory_;
    std::string published = published_;
    lock.unlock();
    std::string text =
        handoff::EncodeNodeGpus(NodeGpusOf(*inventory, health_ ? health_() : nullptr));
    absl::Status status = absl::OkStatus();
    if (text != published || recheck) {
      status = api_->PatchNodeAnnotations(
          options_.node, {{std::string(handoff::kNodeGpusAnnotation), text}});
    }
    lock.lock();
    if (status.ok()) {
      if (text != published) {
        spdlog::info("node {}: published {} GPUs in {}", options_.node, inventory->gpus.size(),
                     handoff::kNodeGpusAnnotation);
      }
      published_ = text;
      last_error.clear();
      delay = std::chrono::milliseconds(0);
      next_check = Clock::now() + options_.recheck;
      continue;
    }
    std::string cause(status.message());
    if (cause != last_error) {
      spdlog::warn("node {}: cannot publish {}: {}; retrying", options_.node,
                   handoff::kNodeGpusAnnotation, status);
      last_error = cause;
    }
    delay = std::min(options_.retry_max, std::max(options_.retry_min, delay * 2));
    dirty_ = true;
    cv_.wait_for(lock, delay, [this] { return stop_; });
  }
}

}  // namespace gpulet::plugin
