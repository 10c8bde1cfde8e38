// The NodeFeature object (nfd.k8s-sigs.io/v1alpha1) through which GFD
// publishes its labels to nfd-master when --use-node-feature-api is set,
// instead of the features.d file (reference device-plugin.md §11.3,
// nfd.md §5), and NodeFeatureWriter, the LabelSink that keeps it current.
//
// The object is the one GFD writes: named nvidia-features-for-<node> in the
// configured namespace, labelled nfd.node.kubernetes.io/node-name=<node>,
// spec.labels the labels, spec.features empty, owned by the gpulet pod and
// its DaemonSet when they are known (so it goes away with them).
//
// The API server is reached through NodeFeatureStore, a narrow interface
// the Kubernetes client implements (and tests fake), so this module does
// not depend on the client.
//
// NodeFeatureObject is a pure function. NodeFeatureWriter is not
// thread-safe: one per labelling loop.
#ifndef GPULET_LABELS_NODE_FEATURE_H_
#define GPULET_LABELS_NODE_FEATURE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/label_sink.h"
#include "labels/labeler.h"
#include "nlohmann/json.hpp"

namespace gpulet::labels {

inline constexpr char kNodeFeatureApiVersion[] = "nfd.k8s-sigs.io/v1alpha1";
inline constexpr char kNodeFeatureKind[] = "NodeFeature";
// The label nfd-master finds a NodeFeature's node by.
inline constexpr char kNodeFeatureNodeNameLabel[] = "nfd.node.kubernetes.io/node-name";

struct NodeFeatureTarget {
  std::string node_name;   // required
  std::string namespace_;  // where the object lives; GFD's default "default"
  // metadata.ownerReferences, as the API server spells them; empty for none.
  nlohmann::json owner_references = nlohmann::json::array();
};

// "nvidia-features-for-<node>".
std::string NodeFeatureName(std::string_view node_name);

// The whole object. Keys are sorted (nlohmann::json objects are ordered
// maps), so the same labels always serialise to the same bytes.
nlohmann::json NodeFeatureObject(const NodeFeatureTarget& target, const LabelMap& labels);

// True when `existing` (as the API server returned it) already publishes
// `labels` with no features: GFD's "semantically equal, skip the update".
bool NodeFeatureHasLabels(const nlohmann::json& existing, const LabelMap& labels);

// The API calls NodeFeatureWriter needs, on
// /apis/nfd.k8s-sigs.io/v1alpha1/namespaces/{ns}/nodefeatures.
class NodeFeatureStore {
 public:
  virtual ~NodeFeatureStore() = default;
  // The object; NotFound when there is none.
  virtual absl::StatusOr<nlohmann::json> Get(std::string_view ns, std::string_view name) = 0;
  // POST; AlreadyExists when another writer created it first.
  virtual absl::Status Create(std::string_view ns, const nlohmann::json& object) = 0;
  // PUT of the whole object (its metadata.resourceVersion is the
  // precondition); Aborted/AlreadyExists on a conflict.
  virtual absl::Status Replace(std::string_view ns, std::string_view name,
                               const nlohmann::json& object) = 0;
};

class NodeFeatureWriter final : public LabelSink {
 public:
  // `store` must outlive the writer.
  NodeFeatureWriter(NodeFeatureStore& store, NodeFeatureTarget target)
      : store_(store), target_(std::move(target)) {}

  // Creates the object when it is missing, replaces it when its labels
  // differ (keeping the server's resourceVersion, so a concurrent change
  // is a conflict rather than lost), and does nothing when they match.
  // The store's errors, with the object named.
  absl::StatusOr<bool> Update(const LabelMap& labels, WallTime now) override;

  // OK without a call: GFD leaves the object on exit; its owner
  // references let the garbage collector remove it with the DaemonSet.
  absl::Status Remove() override { return absl::OkStatus(); }

  std::string Describe() const override;

 private:
  NodeFeatureStore& store_;
  const NodeFeatureTarget target_;
};

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_NODE_FEATURE_H_
