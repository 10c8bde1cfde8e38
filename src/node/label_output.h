// Where feature discovery publishes its labels: the NFD features.d file
// (gpulet's default) or GFD's NodeFeature object on the API server
// (--use-node-feature-api), as one LabelSink for the labelling loop of
// `gpulet feature-discovery` and of `gpulet node`.
//
// Not thread-safe: opened once on the main thread; the sink is then used
// by one labelling thread.
#ifndef GPULET_NODE_LABEL_OUTPUT_H_
#define GPULET_NODE_LABEL_OUTPUT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "config/environment.h"
#include "labels/label_sink.h"
#include "labels/node_feature.h"

namespace gpulet::node {

// Where the NodeFeature object goes; flag > env > default, resolved by cli/.
struct NodeFeatureSettings {
  std::string node_name;
  std::string namespace_ = "default";
  std::string kubeconfig;  // "" = $KUBECONFIG, in-cluster, ~/.kube/config
  std::string pod_name;    // the owner of the object; "" = none
};

struct LabelOutput {
  std::unique_ptr<labels::NodeFeatureStore> store;  // NodeFeature mode only
  std::unique_ptr<labels::LabelSink> sink;          // null: print to stdout
};

// InvalidArgument without a node name in NodeFeature mode;
// FailedPrecondition without Kubernetes access, or in a build without the
// Kubernetes client.
absl::StatusOr<LabelOutput> OpenLabelOutput(const GfdConfig& gfd, const NodeFeatureSettings& nf,
                                            const Environment& env);

}  // namespace gpulet::node

#endif  // GPULET_NODE_LABEL_OUTPUT_H_
