// FakeApiServer's watch streams: one chunked response per watch that
// replays the store's history from the requested resourceVersion and then
// follows it until the timeout, a drop, or shutdown.

#include <httplib.h>

#include <chrono>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::kube::testing {
namespace {

// How long a stream waits for news before checking whether its client left.
constexpr auto kWatchPoll = std::chrono::milliseconds(200);
constexpr int kDefaultWatchSeconds = 1800;

struct StreamState {
  int64_t cursor = 0;  // events up to this version have been sent
  int64_t drop_generation = 0;
  int64_t bookmark_generation = 0;
  size_t injected = 0;
  std::chrono::steady_clock::time_point deadline;
};

std::string EventLine(std::string_view type, const nlohmann::json& object) {
  return nlohmann::json{{"type", std::string(type)}, {"object", object}}.dump() + "\n";
}

std::string GoneLine(int64_t requested) {
  nlohmann::json status = {
      {"kind", "Status"},     {"apiVersion", "v1"},       {"status", "Failure"},
      {"reason", "Expired"},  {"code", 410},
      {"message", absl::StrCat("too old resource version: ", requested)}};
  return EventLine("ERROR", status);
}

}  // namespace

void FakeApiServer::ServeWatch(const httplib::Request& req, httplib::Response& res,
                               const std::string& resource, const Selector& selector) {
  auto state = std::make_shared<StreamState>();
  int64_t from = 0;
  std::string rv = req.has_param("resourceVersion") ? req.get_param_value("resourceVersion") : "";
  if (!rv.empty() && !absl::SimpleAtoi(rv, &from)) {
    res.status = 400;
    res.set_content(absl::StrCat("resourceVersion \"", rv, "\" is not a number"), "text/plain");
    return;
  }
  int seconds = kDefaultWatchSeconds;
  if (req.has_param("timeoutSeconds")) {
    absl::SimpleAtoi(req.get_param_value("timeoutSeconds"), &seconds);
  }
  state->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  bool bookmarks = req.has_param("allowWatchBookmarks") &&
                   req.get_param_value("allowWatchBookmarks") == "true";
  {
    std::lock_guard<std::mutex> lock(mu_);
    // "" and "0" mean "from now" here; the real server would first send the
    // current objects as ADDED, which no gpulet component relies on.
    state->cursor = from == 0 ? store_.resource_version() : from;
    state->drop_generation = drop_generation_;
    state->bookmark_generation = bookmark_generation_;
    state->injected = injected_lines_.size();
    ++open_watches_;
  }
  changed_.notify_all();

  res.set_chunked_content_provider(
      "application/json",
      [this, state, resource, selector, bookmarks](size_t, httplib::DataSink& sink) {
        std::string out;
        bool end = false;
        {
          std::unique_lock<std::mutex> lock(mu_);
          changed_.wait_until(lock, std::min(state->deadline,
                                             std::chrono::steady_clock::now() + kWatchPoll),
                              [&] {
                                return stopping_ || drop_generation_ != state->drop_generation ||
                                       bookmark_generation_ != state->bookmark_generation ||
                                       injected_lines_.size() != state->injected ||
                                       store_.resource_version() != state->cursor;
                              });
          if (stopping_ || drop_generation_ != state->drop_generation) return false;
          if (state->cursor < store_.compacted_version()) {
            // The events this stream still owed are gone; so is the stream.
            out = GoneLine(state->cursor);
            end = true;
          } else {
            for (const auto& [type, object] : store_.EventsAfter(resource, selector,
                                                                 state->cursor)) {
              out += EventLine(type, object);
            }
            state->cursor = store_.resource_version();
            for (; state->injected < injected_lines_.size(); ++state->injected) {
              out += injected_lines_[state->injected] + "\n";
            }
            if (bookmark_generation_ != state->bookmark_generation) {
              state->bookmark_generation = bookmark_generation_;
              if (bookmarks) {
                out += EventLine("BOOKMARK",
                                 {{"kind", resource == "nodes" ? "Node" : "Pod"},
                                  {"apiVersion", "v1"},
                                  {"metadata",
                                   {{"resourceVersion", std::to_string(state->cursor)}}}});
              }
            }
            end = std::chrono::steady_clock::now() >= state->deadline;
          }
        }
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (out.empty() && !sink.is_writable()) return false;
        if (end) sink.done();
        return true;
      },
      [this](bool) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          --open_watches_;
        }
        changed_.notify_all();
      });
}

}  // namespace gpulet::kube::testing
