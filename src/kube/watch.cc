#include "kube/watch.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "kube/http_status.h"
#include "kube/url.h"
#include "kube/watch_event.h"
#include "spdlog/spdlog.h"

namespace gpulet::kube {
std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
  }
  return "UNKNOWN";
}

Watcher::Watcher(Client* client, WatchOptions options, Callback callback)
    : client_(client),
      options_(std::move(options)),
      callback_(std::move(callback)),
      collection_path_(!options_.collection_path.empty()
                           ? options_.collection_path
                           : Client::CollectionPath(options_.resource,
                                                    options_.resource == "pods" ? options_.ns : "")) {}

Watcher::~Watcher() { Stop(); }

void Watcher::Start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  thread_ = std::thread([this] { Run(); });
  thread_id_ = thread_.get_id();
}

void Watcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    // From the callback: the thread ends after the callback returns.
    if (thread_id_ == std::this_thread::get_id()) {
      canceller_.Cancel();
      return;
    }
  }
  canceller_.Cancel();
  cv_.notify_all();
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) thread_.join();
}

bool Watcher::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

bool Watcher::WaitForSync(absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return synced_; });
}

std::string Watcher::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

Watcher::Stats Watcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

absl::Status Watcher::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

void Watcher::RecordFailure(const absl::Status& status) {
  spdlog::warn("kube watch {}: {}", collection_path_, AsStd(status.message()));
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.failures;
  last_error_ = status;
}

bool Watcher::BackoffWait(int failures) {
  absl::Duration delay = options_.initial_backoff;
  for (int i = 1; i < failures && delay < options_.max_backoff; ++i) delay *= 2;
  delay = std::min(delay, options_.max_backoff);
  thread_local std::minstd_rand rng(std::random_device{}());
  delay *= std::uniform_real_distribution<double>(0.5, 1.0)(rng);
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(delay), [&] { return stopping_; });
  return !stopping_;
}

void Watcher::Run() {
  bool need_list = true;
  int failures = 0;
  while (!stopping()) {
    if (need_list) {
      absl::Status status = Relist();
      if (!status.ok()) {
        RecordFailure(status);
        if (!BackoffWait(++failures)) break;
        continue;
      }
      need_list = false;
      failures = 0;
    }
    switch (WatchOnce()) {
      case StreamEnd::kStopped:
        return;
      case StreamEnd::kExpired:
        need_list = true;
        break;
      case StreamEnd::kEnded:
        failures = 0;
        break;
      case StreamEnd::kFailed:
        if (!BackoffWait(++failures)) return;
        break;
    }
  }
}

void Watcher::Deliver(WatchEventType type, const nlohmann::json& object) {
  callback_(type, object);
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.events;
}

absl::Status Watcher::Relist() {
  absl::StatusOr<ObjectList> list = client_->List(collection_path_, options_.options);
  if (!list.ok()) return list.status();
  std::map<std::string, nlohmann::json> fresh;
  for (nlohmann::json& item : list->items) {
    if (!HasMetadata(item)) {
      return absl::InternalError(
          absl::StrCat("LIST ", collection_path_, ": an item has no metadata"));
    }
    std::string key = ObjectKey(item);
    fresh[key] = std::move(item);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    resource_version_ = list->resource_version;
  }
  // On the first list `known_` is empty and everything is kAdded; after a
  // 410 this delivers exactly what changed while the watch was blind.
  for (const auto& [key, object] : fresh) {
    auto it = known_.find(key);
    if (it == known_.end()) {
      Deliver(WatchEventType::kAdded, object);
    } else if (ObjectVersion(it->second) != ObjectVersion(object)) {
      Deliver(WatchEventType::kModified, object);
    }
  }
  for (const auto& [key, object] : known_) {
    if (fresh.count(key) == 0) Deliver(WatchEventType::kDeleted, object);
  }
  known_ = std::move(fresh);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.lists;
    synced_ = true;
  }
  cv_.notify_all();
  return absl::OkStatus();
}

bool Watcher::OnLine(std::string_view line, bool* progressed, StreamEnd* end) {
  absl::StatusOr<WatchEvent> event = ParseWatchEvent(line);
  if (!event.ok()) {
    RecordFailure(absl::InternalError(
        absl::StrCat("WATCH ", collection_path_, ": ", event.status().message())));
    *end = StreamEnd::kFailed;
    return false;
  }
  const std::string& type = event->type;
  const nlohmann::json& object = event->object;
  if (type == "ERROR") {
    absl::Status status =
        HttpStatusToError("WATCH", collection_path_, StatusCodeOf(object), object.dump());
    if (status.code() == absl::StatusCode::kOutOfRange) {
      spdlog::info("kube watch {}: {}; relisting", collection_path_, AsStd(status.message()));
      *end = StreamEnd::kExpired;
    } else {
      RecordFailure(status);
      *end = StreamEnd::kFailed;
    }
    return false;
  }
  if (!HasMetadata(object)) {
    RecordFailure(absl::InternalError(
        absl::StrCat("WATCH ", collection_path_, ": ", type, " event without metadata")));
    *end = StreamEnd::kFailed;
    return false;
  }
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED" && type != "BOOKMARK") {
    spdlog::warn("kube watch {}: ignoring event of type {}", collection_path_, type);
    return true;
  }
  std::string version = ObjectVersion(object);
  {
    // Recorded before delivery, so a consumer that has seen an event also
    // sees resource_version() at or past it.
    std::lock_guard<std::mutex> lock(mu_);
    if (!version.empty()) resource_version_ = version;
    if (stopping_) return false;
  }
  *progressed = true;
  if (type == "ADDED" || type == "MODIFIED") {
    known_[ObjectKey(object)] = object;
    Deliver(type == "ADDED" ? WatchEventType::kAdded : WatchEventType::kModified, object);
  } else if (type == "DELETED") {
    known_.erase(ObjectKey(object));
    Deliver(WatchEventType::kDeleted, object);
  }
  return !stopping();
}

Watcher::StreamEnd Watcher::WatchOnce() {
  std::string path = absl::StrCat(collection_path_, "?watch=1&allowWatchBookmarks=true",
                                  "&resourceVersion=", QueryEscape(resource_version()),
                                  "&timeoutSeconds=",
                                  absl::ToInt64Seconds(options_.watch_timeout));
  path += SelectorQuery(options_.options);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.watches;
  }
  bool progressed = false;
  absl::Time started = absl::Now();
  StreamEnd end = StreamEnd::kEnded;
  // The server ends the stream at timeoutSeconds; the client's own limit
  // only catches a server that does not.
  absl::Duration limit = options_.watch_timeout + client_->config().request_timeout;
  absl::Status status = client_->Stream(
      path, limit,
      [&](std::string_view line) { return OnLine(line, &progressed, &end); }, &canceller_);
  if (stopping()) return StreamEnd::kStopped;
  if (status.code() == absl::StatusCode::kOutOfRange) return StreamEnd::kExpired;
  if (!status.ok()) {
    RecordFailure(status);
    // A stream that delivered events before it broke was healthy; resume
    // at once rather than backing off.
    return progressed ? StreamEnd::kEnded : StreamEnd::kFailed;
  }
  // A clean, empty end is normal at timeoutSeconds; a server that closes
  // streams at once would otherwise be hammered in a tight loop.
  if (end == StreamEnd::kEnded && !progressed && absl::Now() - started < absl::Seconds(1)) {
    return StreamEnd::kFailed;
  }
  return end;
}

}  // namespace gpulet::kube
