#include "node/node_events.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gpulet::node {

nlohmann::json NodeWarningEvent(std::string_view node, std::string_view reason,
                                std::string_view message, std::string_view now,
                                uint64_t unique) {
  nlohmann::json event;
  event["apiVersion"] = "v1";
  event["kind"] = "Event";
  event["metadata"] = {{"name", absl::StrCat(std::string(node), ".", absl::Hex(unique))},
                       {"namespace", "default"}};
  event["involvedObject"] = {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}};
  event["reason"] = reason;
  event["message"] = message;
  event["type"] = "Warning";
  event["source"] = {{"component", "gpulet-node"}, {"host", node}};
  event["firstTimestamp"] = now;
  event["lastTimestamp"] = now;
  event["count"] = 1;
  return event;
}

absl::Status KubeNodeEvents::Warning(std::string_view reason, std::string_view message) {
  absl::Time time = absl::Now();
  std::string now = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
  // The kubelet names its events "<object>.<unix nanoseconds in hex>".
  absl::StatusOr<nlohmann::json> created =
      client_->CreateObject(kube::Client::CollectionPath("events", "default"),
                            NodeWarningEvent(node_, reason, message, now,
                                             static_cast<uint64_t>(absl::ToUnixNanos(time))));
  return created.status();
}

}  // namespace gpulet::node
