// InstantApi: a ClusterApi that answers every call at once, so that the
// extender benchmarks measure the extender. Every pod exists, unbound, with
// the UID "uid-<name>".
//
// Thread-safe (stateless).
#ifndef GPULET_BENCH_EXTENDER_INSTANT_API_H_
#define GPULET_BENCH_EXTENDER_INSTANT_API_H_

#include <string>
#include <string_view>

#include "extender/cluster_api.h"

namespace gpulet::extender {

class InstantApi final : public ClusterApi {
 public:
  absl::StatusOr<nlohmann::json> GetPod(std::string_view ns,
                                        std::string_view name) override {
    return nlohmann::json{{"metadata",
                           {{"namespace", std::string(ns)},
                            {"name", std::string(name)},
                            {"uid", "uid-" + std::string(name)}}}};
  }
  absl::Status PatchPodAnnotations(std::string_view, std::string_view,
                                   const AnnotationChanges&) override {
    return absl::OkStatus();
  }
  absl::Status CreateBinding(std::string_view, std::string_view,
                             std::string_view, std::string_view) override {
    return absl::OkStatus();
  }
};

}  // namespace gpulet::extender

#endif  // GPULET_BENCH_EXTENDER_INSTANT_API_H_
