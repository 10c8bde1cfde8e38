// Labeler: a source of node labels, and Merge, which combines several into
// one as NVIDIA's lm.Merge does (a later labeler's value wins for the same
// key). One interface because GFD's labels come from independent sources
// (timestamp, machine type, devices) that are built, tested and replaced
// separately.
//
// Implementations are immutable after construction and Labels() is
// thread-safe.
#ifndef GPULET_LABELS_LABELER_H_
#define GPULET_LABELS_LABELER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::labels {

// Label key → value, sorted by key so that output is deterministic.
using LabelMap = std::map<std::string, std::string>;

class Labeler {
 public:
  virtual ~Labeler() = default;

  // The labels of this source. An error means the source could not be read
  // at all; a merged labeler fails as a whole then.
  virtual absl::StatusOr<LabelMap> Labels() const = 0;
};

// A labeler that returns `labels`.
std::unique_ptr<Labeler> NewStaticLabeler(LabelMap labels);

// A labeler that returns the union of `labelers`' labels; for a key set by
// several, the last labeler in the list wins. Fails with the first error.
std::unique_ptr<Labeler> Merge(std::vector<std::unique_ptr<Labeler>> labelers);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_LABELER_H_
