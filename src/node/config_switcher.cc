#include "node/config_switcher.h"

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "base/text_file.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {
namespace {

std::string Describe(const ConfigChoice& choice) {
  return choice.name.empty() ? std::string("the empty config")
                             : absl::StrCat("config \"", choice.name, "\"");
}

}  // namespace

ConfigSwitcher::ConfigSwitcher(const Environment* env, ConfigSwitcherOptions options,
                               std::shared_ptr<ConfigFileOverride> choice, NodeEvents* events,
                               std::function<void()> on_switch)
    : env_(env),
      options_(std::move(options)),
      choice_(std::move(choice)),
      events_(events),
      on_switch_(std::move(on_switch)) {}

ConfigSwitcher::~ConfigSwitcher() { Stop(); }

absl::StatusOr<ConfigSwitcher::Candidate> ConfigSwitcher::Choose(
    std::optional<std::string> label_value) const {
  absl::StatusOr<std::vector<std::string>> available = ListConfigs(options_.selection.source_dir);
  if (!available.ok()) return available.status();
  absl::StatusOr<ConfigChoice> choice = SelectConfig(label_value, *available, options_.selection);
  if (!choice.ok()) return choice.status();
  Candidate candidate{*std::move(choice), ""};
  if (!candidate.choice.path.empty()) {
    absl::StatusOr<std::string> text = ReadTextFile(candidate.choice.path);
    if (!text.ok()) return text.status();
    candidate.text = *std::move(text);
  }
  return candidate;
}

absl::Status ConfigSwitcher::Load(const Candidate& candidate) const {
  ConfigFlags flags = options_.flags;
  flags.config_file = candidate.choice.path;
  if (options_.device_plugin) {
    absl::StatusOr<Config> config = LoadConfig(flags, *env_, ConfigUser::kDevicePlugin);
    if (!config.ok()) return config.status();
  }
  if (options_.feature_discovery) {
    absl::StatusOr<Config> config = LoadConfig(flags, *env_, ConfigUser::kFeatureDiscovery);
    if (!config.ok()) return config.status();
  }
  return absl::OkStatus();
}

absl::Status ConfigSwitcher::Initialize(std::optional<std::string> label_value) {
  absl::StatusOr<Candidate> candidate = Choose(label_value);
  if (!candidate.ok() && label_value.has_value()) {
    Refuse(absl::StrCat(Subject(label_value), ": ", candidate.status().message()),
           "starting as if the node had no label");
    candidate = Choose(std::nullopt);
  }
  if (!candidate.ok()) return candidate.status();
  if (absl::Status loaded = Load(*candidate); !loaded.ok()) {
    return absl::Status(loaded.code(), absl::StrCat(Describe(candidate->choice), " (",
                                                    candidate->choice.reason,
                                                    "): ", loaded.message()));
  }
  choice_->Set(candidate->choice.path);
  spdlog::info("Using {} ({})", Describe(candidate->choice), candidate->choice.reason);
  std::lock_guard<std::mutex> lock(mu_);
  current_name_ = candidate->choice.name;
  label_ = std::move(label_value);
  current_ = *std::move(candidate);
  return absl::OkStatus();
}

std::string ConfigSwitcher::Subject(const std::optional<std::string>& label_value) const {
  return label_value.has_value() ? absl::StrCat("node label ", options_.label, "=", *label_value)
                                 : absl::StrCat("node without label ", options_.label);
}

void ConfigSwitcher::Refuse(const std::string& cause, const std::string& outcome) {
  if (cause == last_refusal_) return;
  last_refusal_ = cause;
  std::string message = absl::StrCat(cause, "; ", outcome);
  spdlog::error("Config not switched: {}", message);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++refusals_;
  }
  if (events_ == nullptr) return;
  if (absl::Status sent = events_->Warning("InvalidDevicePluginConfig", message); !sent.ok()) {
    spdlog::warn("Could not post the node event: {}", sent);
  }
}

void ConfigSwitcher::Apply(std::optional<std::string> label_value) {
  std::string subject = Subject(label_value);
  std::string keeping = absl::StrCat(
      "keeping ", current_.has_value() ? Describe(current_->choice) : std::string("no config"));
  absl::StatusOr<Candidate> candidate = Choose(label_value);
  if (!candidate.ok()) {
    Refuse(absl::StrCat(subject, ": ", candidate.status().message()), keeping);
    return;
  }
  if (current_.has_value() && current_->choice.path == candidate->choice.path &&
      current_->text == candidate->text) {
    last_refusal_.clear();  // back on a good config: a later refusal is news
    return;
  }
  if (absl::Status loaded = Load(*candidate); !loaded.ok()) {
    Refuse(absl::StrCat(subject, ": ", Describe(candidate->choice), " is invalid: ",
                        loaded.message()),
           keeping);
    return;
  }
  last_refusal_.clear();
  spdlog::info("Switching to {} ({}; was {})", Describe(candidate->choice), subject,
               current_.has_value() ? Describe(current_->choice) : std::string("none"));
  choice_->Set(candidate->choice.path);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_name_ = candidate->choice.name;
    ++switches_;
  }
  current_ = *std::move(candidate);
  if (on_switch_) on_switch_();
}

void ConfigSwitcher::Update(std::optional<std::string> label_value) {
  std::lock_guard<std::mutex> lock(mu_);
  label_ = std::move(label_value);
  pending_ = true;
  cv_.notify_all();
}

void ConfigSwitcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ConfigSwitcher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.recheck_interval, [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || pending_;
    });
    if (stopping_) return;
    pending_ = false;
    std::optional<std::string> label = label_;
    lock.unlock();
    Apply(std::move(label));
    lock.lock();
  }
}

void ConfigSwitcher::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

std::string ConfigSwitcher::current_name() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_name_;
}

int ConfigSwitcher::switches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return switches_;
}

int ConfigSwitcher::refusals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refusals_;
}

}  // namespace gpulet::node
