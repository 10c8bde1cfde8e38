#include "node/label_loop.h"

#include "base/absl_format.h"
#include "node/label_pass.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<std::unique_ptr<LabelLoop>> LabelLoop::Start(const Environment* env,
                                                            LabelLoopOptions options,
                                                            const inventory::NodeSource* node) {
  std::unique_ptr<LabelLoop> loop(new LabelLoop(env, std::move(options), node));
  absl::StatusOr<std::shared_ptr<const Config>> config = loop->LoadGfdConfig();
  if (!config.ok()) return config.status();
  loop->config_ = *std::move(config);
  absl::StatusOr<LabelOutput> output =
      OpenLabelOutput(loop->config_->gfd, loop->options_.node_feature, *env);
  if (!output.ok()) return output.status();
  loop->output_ = *std::move(output);
  if (!loop->config_->gfd.no_timestamp) loop->timestamp_ = std::chrono::system_clock::now();
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

LabelLoop::~LabelLoop() { Stop(); }

absl::StatusOr<std::shared_ptr<const Config>> LabelLoop::LoadGfdConfig() const {
  ConfigFlags flags = options_.config_override != nullptr
                          ? options_.config_override->Apply(options_.flags)
                          : options_.flags;
  absl::StatusOr<Config> config = LoadConfig(flags, *env_, ConfigUser::kFeatureDiscovery);
  if (!config.ok()) return config.status();
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  return std::make_shared<const Config>(*std::move(config));
}

void LabelLoop::Reload() {
  std::lock_guard<std::mutex> lock(mu_);
  reload_ = true;
  cv_.notify_all();
}

void LabelLoop::LabelNow() {
  std::lock_guard<std::mutex> lock(mu_);
  label_now_ = true;
  cv_.notify_all();
}

int LabelLoop::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

void LabelLoop::Pass() {
  labels::LabelMap extra = options_.extra_labels ? options_.extra_labels() : labels::LabelMap();
  LabelPass(node_, config_, timestamp_, output_.sink.get(), extra);
  std::lock_guard<std::mutex> lock(mu_);
  ++passes_;
}

void LabelLoop::Run() {
  Pass();
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || reload_ || label_now_;
    };
    if (config_->gfd.sleep_interval == kSleepForever) {
      cv_.wait(lock, woken);
    } else {
      cv_.wait_for(lock, config_->gfd.sleep_interval, woken);
    }
    if (stopping_) return;
    bool reload = reload_;
    reload_ = label_now_ = false;
    lock.unlock();
    if (reload) {
      absl::StatusOr<std::shared_ptr<const Config>> config = LoadGfdConfig();
      if (config.ok()) {
        config_ = *std::move(config);
        if (config_->gfd.no_timestamp) {
          timestamp_.reset();
        } else {
          timestamp_ = std::chrono::system_clock::now();
        }
      } else {
        spdlog::error("Feature discovery keeps its running config: {}", config.status());
      }
    }
    Pass();
    lock.lock();
  }
}

void LabelLoop::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
  labels::LabelSink* sink = output_.sink.get();
  if (sink != nullptr && config_->gfd.sleep_interval != kSleepForever) {
    if (absl::Status removed = sink->Remove(); !removed.ok()) spdlog::error("{}", removed);
  }
}

}  // namespace gpulet::node
