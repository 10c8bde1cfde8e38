#include "labels/labeler.h"

#include <utility>

namespace gpulet::labels {
namespace {

class StaticLabeler final : public Labeler {
 public:
  explicit StaticLabeler(LabelMap labels) : labels_(std::move(labels)) {}

  // Labeler
  absl::StatusOr<LabelMap> Labels() const override { return labels_; }

 private:
  const LabelMap labels_;
};

class MergedLabeler final : public Labeler {
 public:
  explicit MergedLabeler(std::vector<std::unique_ptr<Labeler>> labelers)
      : labelers_(std::move(labelers)) {}

  // Labeler
  absl::StatusOr<LabelMap> Labels() const override {
    LabelMap merged;
    for (const std::unique_ptr<Labeler>& labeler : labelers_) {
      absl::StatusOr<LabelMap> labels = labeler->Labels();
      if (!labels.ok()) return labels.status();
      for (auto& [key, value] : *labels) merged[key] = std::move(value);
    }
    return merged;
  }

 private:
  const std::vector<std::unique_ptr<Labeler>> labelers_;
};

}  // namespace

std::unique_ptr<Labeler> NewStaticLabeler(LabelMap labels) {
  return std::make_unique<StaticLabeler>(std::move(labels));
}

std::unique_ptr<Labeler> Merge(std::vector<std::unique_ptr<Labeler>> labelers) {
  return std::make_unique<MergedLabeler>(std::move(labelers));
}

}  // namespace gpulet::labels
