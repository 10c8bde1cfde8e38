// Fuzz target: what the node agent and the extender read from or about the
// Kubernetes API server — the kubeconfig file, watch stream event lines,
// LIST pages, error bodies (v1.Status) and Retry-After headers.
//
// Input: the text, then a last byte choosing the parser. Besides memory
// errors, an exception escaping a parser (nlohmann::json or yaml-cpp
// throwing on a member of an unexpected type) is a failure: libFuzzer
// reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzzer/FuzzedDataProvider.h"
#include "kube/client_config.h"
#include "kube/http_status.h"
#include "kube/list_page.h"
#include "kube/watch_event.h"
#include "spdlog/spdlog.h"

namespace gpulet::kube {
namespace {

// What Watcher::OnLine does with a line, minus the thread and the socket.
void FuzzWatchLine(const std::string& line) {
  absl::StatusOr<WatchEvent> event = ParseWatchEvent(line);
  if (!event.ok()) return;
  if (event->type.empty() || !event->object.is_object()) std::abort();
  if (event->type == "ERROR") {
    (void)HttpStatusToError("WATCH", "/api/v1/pods", StatusCodeOf(event->object),
                            event->object.dump());
    return;
  }
  if (!HasMetadata(event->object)) return;
  (void)ObjectKey(event->object);
  (void)ObjectVersion(event->object);
}

void FuzzListPage(const std::string& body) {
  absl::StatusOr<nlohmann::json> object = ParseObjectBody("GET", "/api/v1/nodes", body);
  if (!object.ok()) return;
  absl::StatusOr<ListPage> page = ParseListPage(*object);
  if (!page.ok()) return;
  for (const nlohmann::json& item : page->items) {
    if (HasMetadata(item)) (void)ObjectKey(item);
    (void)ObjectVersion(item);
  }
}

}  // namespace
}  // namespace gpulet::kube

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpulet::kube;
  FuzzedDataProvider input(data, size);
  switch (input.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {
      const std::string context = input.ConsumeBool() ? "" : input.ConsumeRandomLengthString(32);
      (void)ParseKubeconfig(input.ConsumeRemainingBytesAsString(), "fuzz-kubeconfig",
                            "/nonexistent", context);
      break;
    }
    case 1:
      FuzzWatchLine(input.ConsumeRemainingBytesAsString());
      break;
    case 2:
      FuzzListPage(input.ConsumeRemainingBytesAsString());
      break;
    case 3: {
      const long code = input.ConsumeIntegralInRange<long>(100, 599);
      const std::string retry_after = input.ConsumeRandomLengthString(32);
      (void)ParseRetryAfter(retry_after);
      (void)HttpStatusToError("GET", "/api/v1/nodes/n", code,
                              input.ConsumeRemainingBytesAsString());
      break;
    }
  }
  return 0;
}
