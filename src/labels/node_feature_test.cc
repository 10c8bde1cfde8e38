// The NodeFeature object GFD publishes and NodeFeatureWriter against an
// in-memory store: create, skip when equal, replace keeping server
// metadata, and errors naming the object.
#include "labels/node_feature.h"

#include <map>
#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::labels {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const LabelMap kLabels = {{"nvidia.com/gpu.count", "8"},
                          {"nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"}};

// Objects by "ns/name", as an API server would keep them.
class FakeStore final : public NodeFeatureStore {
 public:
  absl::StatusOr<nlohmann::json> Get(std::string_view ns, std::string_view name) override {
    calls.push_back("get");
    if (!get_error.ok()) return get_error;
    auto it = objects.find(std::string(ns) + "/" + std::string(name));
    if (it == objects.end()) return absl::NotFoundError("nodefeatures not found");
    return it->second;
  }
  absl::Status Create(std::string_view ns, const nlohmann::json& object) override {
    calls.push_back("create");
    nlohmann::json stored = object;
    stored["metadata"]["resourceVersion"] = "1";
    objects[std::string(ns) + "/" + object["metadata"]["name"].get<std::string>()] = stored;
    return absl::OkStatus();
  }
  absl::Status Replace(std::string_view ns, std::string_view name,
                       const nlohmann::json& object) override {
    calls.push_back("replace");
    if (!replace_error.ok()) return replace_error;
    objects[std::string(ns) + "/" + std::string(name)] = object;
    return absl::OkStatus();
  }

  std::map<std::string, nlohmann::json> objects;
  std::vector<std::string> calls;
  absl::Status get_error;
  absl::Status replace_error;
};

NodeFeatureTarget Target() { return {"node-1", "gpu-operator"}; }

TEST(NodeFeatureObjectTest, IsWhatGfdPublishes) {
  const nlohmann::json object = NodeFeatureObject(Target(), kLabels);
  EXPECT_EQ(object.dump(),
            R"({"apiVersion":"nfd.k8s-sigs.io/v1alpha1","kind":"NodeFeature",)"
            R"("metadata":{"labels":{"nfd.node.kubernetes.io/node-name":"node-1"},)"
            R"("name":"nvidia-features-for-node-1","namespace":"gpu-operator"},)"
            R"("spec":{"features":{"attributes":{},"flags":{},"instances":{}},)"
            R"("labels":{"nvidia.com/gpu.count":"8",)"
            R"("nvidia.com/gpu.product":"NVIDIA-H100-80GB-HBM3"}}})");
}

TEST(NodeFeatureObjectTest, CarriesOwnerReferencesWhenKnown) {
  NodeFeatureTarget target = Target();
  target.owner_references = nlohmann::json::array(
      {{{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "gfd-x"}, {"uid", "u1"}}});
  const nlohmann::json object = NodeFeatureObject(target, kLabels);
  EXPECT_EQ(object["metadata"]["ownerReferences"][0]["uid"], "u1");
}

TEST(NodeFeatureObjectTest, SameLabelsSameBytes) {
  LabelMap reversed(kLabels.rbegin(), kLabels.rend());
  EXPECT_EQ(NodeFeatureObject(Target(), kLabels).dump(),
            NodeFeatureObject(Target(), reversed).dump());
}

TEST(NodeFeatureHasLabelsTest, ComparesLabelsAndEmptyFeatures) {
  nlohmann::json existing = NodeFeatureObject(Target(), kLabels);
  EXPECT_TRUE(NodeFeatureHasLabels(existing, kLabels));
  existing["spec"].erase("features");  // the server may drop empty structs
  EXPECT_TRUE(NodeFeatureHasLabels(existing, kLabels));
  EXPECT_FALSE(NodeFeatureHasLabels(existing, {{"nvidia.com/gpu.count", "8"}}));
  existing["spec"]["features"]["flags"] = {{"x", {{"elements", {{"a", nullptr}}}}}};
  EXPECT_FALSE(NodeFeatureHasLabels(existing, kLabels));
  EXPECT_FALSE(NodeFeatureHasLabels(nlohmann::json::object(), kLabels));
  EXPECT_FALSE(NodeFeatureHasLabels({{"spec", "odd"}}, kLabels));
  EXPECT_FALSE(NodeFeatureHasLabels({{"spec", {{"labels", {{"nvidia.com/gpu.count", 8}}}}}},
                                    {{"nvidia.com/gpu.count", "8"}}));
}

TEST(NodeFeatureWriterTest, CreatesThenSkipsThenReplaces) {
  FakeStore store;
  NodeFeatureWriter writer(store, Target());
  EXPECT_EQ(writer.Describe(), "NodeFeature gpu-operator/nvidia-features-for-node-1");
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(kLabels, {}));
  EXPECT_TRUE(written);
  ASSERT_OK_AND_ASSIGN(written, writer.Update(kLabels, {}));
  EXPECT_FALSE(written) << "equal labels: no write";
  // Something else annotated the object meanwhile; the update keeps it.
  store.objects["gpu-operator/nvidia-features-for-node-1"]["metadata"]["annotations"] = {
      {"a", "b"}};
  LabelMap changed = kLabels;
  changed["nvidia.com/gpu.count"] = "7";
  ASSERT_OK_AND_ASSIGN(written, writer.Update(changed, {}));
  EXPECT_TRUE(written);
  EXPECT_THAT(store.calls, ElementsAre("get", "create", "get", "get", "replace"));
  const nlohmann::json& stored = store.objects["gpu-operator/nvidia-features-for-node-1"];
  EXPECT_EQ(stored["spec"]["labels"]["nvidia.com/gpu.count"], "7");
  EXPECT_EQ(stored["metadata"]["resourceVersion"], "1") << "the update's precondition";
  EXPECT_EQ(stored["metadata"]["annotations"]["a"], "b");
  EXPECT_OK(writer.Remove());
  EXPECT_EQ(store.objects.size(), 1u) << "the object stays, as with GFD";
}

TEST(NodeFeatureWriterTest, ErrorsNameTheObject) {
  FakeStore store;
  NodeFeatureWriter writer(store, Target());
  store.get_error = absl::PermissionDeniedError("nodefeatures is forbidden");
  EXPECT_THAT(writer.Update(kLabels, {}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("reading NodeFeature gpu-operator/nvidia-features-for-node-1")));
  store.get_error = absl::OkStatus();
  ASSERT_OK(writer.Update(kLabels, {}).status());
  store.replace_error = absl::AbortedError("the object has been modified");
  EXPECT_THAT(writer.Update({{"nvidia.com/gpu.count", "1"}}, {}),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("updating NodeFeature")));
}

}  // namespace
}  // namespace gpulet::labels
