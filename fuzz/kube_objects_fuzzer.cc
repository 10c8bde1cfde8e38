// Fuzz target: the Kubernetes objects gpulet decodes — v1.Pod (GPU
// requests, the extender's demand, the device plugin's pending hand-off,
// the extender's pod watch), v1.Node (the extender's cluster model) and the
// annotations inside them (gpulet.io/decision, gpulet.io/gpus), resource
// quantities, and what feature discovery reads back: its own pod's owner
// references and an existing NodeFeature object.
//
// Input: the object's JSON or the annotation's text, then a byte choosing
// the watch event type and a last byte choosing the parser. Pods also go
// through a fresh extender (filter, then a watch event), since its handlers
// read fields the parsers leave alone. Encoded annotations must decode
// again; anything else is left to the sanitizers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "extender/cluster_model.h"
#include "extender/extender.h"
#include "extender/pod_demand.h"
#include "extender/test_objects.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "handoff/node_gpus.h"
#include "handoff/pod_decision.h"
#include "handoff/pod_gpu_request.h"
#include "handoff/quantity.h"
#include "labels/node_feature.h"
#include "labels/node_feature_kube.h"
#include "plugin/pending_pod.h"
#include "spdlog/spdlog.h"

namespace gpulet {
namespace {

void FuzzPodInExtender(const nlohmann::json& pod, std::string_view event) {
  extender::ClusterModel model;
  extender::testing::FakeClusterApi api;
  extender::ExtenderMetrics metrics;
  extender::ExtenderOptions options;
  options.policy = "binpack";
  (void)model.UpsertNode(extender::testing::NodeObject("n0", 2));
  (void)model.UpsertNode(extender::testing::NodeObject("n1", 4));
  absl::StatusOr<std::unique_ptr<extender::Extender>> ext =
      extender::Extender::Create(options, &model, &api, &metrics);
  if (!ext.ok()) std::abort();
  extender::ExtenderArgs args;
  args.pod = pod;
  args.node_names = std::vector<std::string>{"n0", "n1"};
  (void)(*ext)->Filter(args);
  (*ext)->OnPodEvent(event, pod);
}

void FuzzPod(const std::string& text, std::string_view event) {
  nlohmann::json pod = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (pod.is_discarded()) return;
  (void)handoff::ParsePodGpuRequests(pod);
  absl::StatusOr<extender::PodDemand> demand = extender::ParsePodDemand(pod);
  if (demand.ok()) (void)demand->RequestFor(81920);
  (void)plugin::ParsePendingPod(pod, "n0");
  FuzzPodInExtender(pod, event);
}

void FuzzNode(const std::string& text) {
  nlohmann::json node = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (node.is_discarded()) return;
  extender::ClusterModel model;
  (void)model.UpsertNode(node);
  (void)model.UpsertNode(node);  // an update of a known node takes another path
}

void FuzzDecision(const std::string& text) {
  absl::StatusOr<handoff::PodDecision> decision = handoff::DecodePodDecision(text);
  if (decision.ok() && !handoff::DecodePodDecision(handoff::EncodePodDecision(*decision)).ok()) {
    std::abort();
  }
}

void FuzzNodeGpus(const std::string& text) {
  absl::StatusOr<std::vector<handoff::NodeGpu>> gpus = handoff::DecodeNodeGpus(text);
  if (gpus.ok() && !handoff::DecodeNodeGpus(handoff::EncodeNodeGpus(*gpus)).ok()) std::abort();
}

void FuzzQuantity(const std::string& text) {
  absl::StatusOr<handoff::Quantity> quantity = handoff::Quantity::Parse(text);
  if (!quantity.ok()) return;
  (void)quantity->Value();
  (void)quantity->MilliValue();
  (void)quantity->IsWhole();
}

void FuzzFeatureDiscoveryObject(const std::string& text) {
  nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return;
  (void)labels::PodOwnerReferences(object, "gfd-1");
  if (object.is_object()) {
    (void)labels::NodeFeatureHasLabels(object, {{"nvidia.com/gpu.count", "8"}});
  }
}

}  // namespace
}  // namespace gpulet

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kEvents[] = {"ADDED", "MODIFIED", "DELETED"};
  FuzzedDataProvider input(data, size);
  const int selector = input.ConsumeIntegralInRange<int>(0, 5);
  const std::string_view event = kEvents[input.ConsumeIntegralInRange<int>(0, 2)];
  const std::string text = input.ConsumeRemainingBytesAsString();
  switch (selector) {
    case 0:
      gpulet::FuzzPod(text, event);
      break;
    case 1:
      gpulet::FuzzNode(text);
      break;
    case 2:
      gpulet::FuzzDecision(text);
      break;
    case 3:
      gpulet::FuzzNodeGpus(text);
      break;
    case 4:
      gpulet::FuzzQuantity(text);
      break;
    case 5:
      gpulet::FuzzFeatureDiscoveryObject(text);
      break;
  }
  return 0;
}
