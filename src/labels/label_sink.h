// LabelSink: where each labelling pass's labels go, so that the feature
// discovery loop is the same for the features.d file (LabelFileWriter) and
// for a NodeFeature object on the API server (NodeFeatureWriter).
//
// Implementations are used by one thread, the labelling loop.
#ifndef GPULET_LABELS_LABEL_SINK_H_
#define GPULET_LABELS_LABEL_SINK_H_

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/labeler.h"

namespace gpulet::labels {

using WallTime = std::chrono::system_clock::time_point;

class LabelSink {
 public:
  virtual ~LabelSink() = default;

  // Publishes `labels` of the pass at `now`. True when something was
  // written, false when the destination already held them. On error the
  // previous labels stay where they were.
  virtual absl::StatusOr<bool> Update(const LabelMap& labels, WallTime now) = 0;

  // Withdraws the labels on a clean exit, where the destination wants that
  // (the features.d file is removed; a NodeFeature object stays, as GFD
  // leaves it, for the garbage collector of its owner).
  virtual absl::Status Remove() = 0;

  // "/etc/kubernetes/.../gfd" or "NodeFeature node-feature-discovery/nvidia-
  // features-for-node-1", for log lines.
  virtual std::string Describe() const = 0;
};

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_LABEL_SINK_H_
