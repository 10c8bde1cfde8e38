// FakeStore: the object store behind FakeApiServer: nodes and pods with
// resource versions from one global counter (as etcd's revision is for the
// real API server), the event history that watches replay, label and field
// selectors, and history compaction.
//
// Not thread-safe: FakeApiServer holds its lock around every call.
#ifndef GPULET_KUBE_TESTING_FAKE_STORE_H_
#define GPULET_KUBE_TESTING_FAKE_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube::testing {

// A parsed labelSelector / fieldSelector plus the namespace of the path.
// Supports `k=v`, `k==v`, `k!=v` and bare `k` (exists) for labels, and
// `metadata.name`, `metadata.namespace`, `spec.nodeName` with = / != for
// fields.
struct Selector {
  std::string ns;  // "" = all namespaces
  struct Term {
    std::string key, value;
    enum class Op { kEq, kNotEq, kExists } op;
  };
  std::vector<Term> labels, fields;

  // InvalidArgument naming the term for an unsupported selector.
  static absl::StatusOr<Selector> Parse(std::string_view ns, std::string_view labels,
                                        std::string_view fields);
  bool Matches(const nlohmann::json& object) const;
};

struct StoredEvent {
  std::string resource;  // "nodes", "pods", "{group}/{version}/{resource}"
  std::string type;      // ADDED, MODIFIED, DELETED
  nlohmann::json object;
  nlohmann::json previous;  // null for ADDED
  int64_t resource_version;
};

class FakeStore {
 public:
  int64_t resource_version() const { return rv_; }
  // Versions at or below this are no longer in the history (410 Gone).
  int64_t compacted_version() const { return compacted_rv_; }

  // Create fills metadata.uid, resourceVersion and creationTimestamp.
  // AlreadyExists / NotFound as the API server would.
  absl::StatusOr<nlohmann::json> Create(const std::string& resource, nlohmann::json object);
  absl::StatusOr<nlohmann::json> Update(const std::string& resource, nlohmann::json object);
  absl::StatusOr<nlohmann::json> Delete(const std::string& resource, std::string_view ns,
                                        std::string_view name);
  absl::StatusOr<nlohmann::json> MergePatch(const std::string& resource, std::string_view ns,
                                            std::string_view name,
                                            const nlohmann::json& patch);
  std::optional<nlohmann::json> Get(const std::string& resource, std::string_view ns,
                                    std::string_view name) const;

  // Objects of `resource` matching `selector` whose key sorts after
  // `after_key` ("" = from the start), at most `limit` (0 = all); `*more`
  // tells whether any were left and `*last_key` is the last one returned.
  std::vector<nlohmann::json> List(const std::string& resource, const Selector& selector,
                                   const std::string& after_key, size_t limit, bool* more,
                                   std::string* last_key) const;

  // The watch events of `resource` after version `after`, as a watch with
  // `selector` sees them (an object that starts or stops matching appears
  // as ADDED or DELETED). Returns (type, object) pairs.
  std::vector<std::pair<std::string, nlohmann::json>> EventsAfter(
      const std::string& resource, const Selector& selector, int64_t after) const;

  // Forgets the history up to now: a watch from an older version gets 410.
  void Compact();

 private:
  static std::string Key(const std::string& resource, std::string_view ns,
                         std::string_view name);
  void Record(const std::string& resource, std::string type, const nlohmann::json& object,
              nlohmann::json previous);

  int64_t rv_ = 1000;
  int64_t compacted_rv_ = 0;
  int64_t next_uid_ = 1;
  std::map<std::string, nlohmann::json> objects_;  // by Key()
  std::vector<StoredEvent> history_;
};

}  // namespace gpulet::kube::testing

#endif  // GPULET_KUBE_TESTING_FAKE_STORE_H_
