#include "extender/wire_types.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Shaped like upstream k8s.io/kube-scheduler/extender/v1 types_test.go.
TEST(WireTypesTest, ExtenderArgsGolden) {
  ExtenderArgs args;
  args.pod = nlohmann::json::parse(R"({"metadata":{"name":"pod","uid":"u1"}})");
  args.node_names = std::vector<std::string>{"n1", "n2"};
  EXPECT_EQ(EncodeExtenderArgs(args),
            R"({"Pod":{"metadata":{"name":"pod","uid":"u1"}},"Nodes":null,)"
            R"("NodeNames":["n1","n2"]})");
  ExtenderArgs empty;
  EXPECT_EQ(EncodeExtenderArgs(empty),
            R"({"Pod":null,"Nodes":null,"NodeNames":null})");
}

TEST(WireTypesTest, ExtenderArgsDecodesBothModesAndNulls) {
  ASSERT_OK_AND_ASSIGN(
      ExtenderArgs names,
      DecodeExtenderArgs(R"({"Pod":{"metadata":{"name":"p"}},"Nodes":null,)"
                         R"("NodeNames":["a","b"],"Unknown":1})"));
  EXPECT_EQ(names.pod["metadata"]["name"], "p");
  EXPECT_FALSE(names.nodes.has_value());
  EXPECT_THAT(*names.node_names, ElementsAre("a", "b"));

  ASSERT_OK_AND_ASSIGN(
      ExtenderArgs nodes,
      DecodeExtenderArgs(R"({"Pod":{},"Nodes":{"items":[{"metadata":)"
                         R"({"name":"a"}}]}})"));
  EXPECT_FALSE(nodes.node_names.has_value());
  EXPECT_EQ((*nodes.nodes)["items"][0]["metadata"]["name"], "a");

  ASSERT_OK_AND_ASSIGN(ExtenderArgs bare, DecodeExtenderArgs("{}"));
  EXPECT_TRUE(bare.pod.is_null());
  EXPECT_FALSE(bare.node_names.has_value());
  // Round trip.
  ASSERT_OK_AND_ASSIGN(ExtenderArgs again,
                       DecodeExtenderArgs(EncodeExtenderArgs(names)));
  EXPECT_EQ(again.node_names, names.node_names);
  EXPECT_EQ(again.pod, names.pod);
}

TEST(WireTypesTest, ExtenderFilterResultGolden) {
  ExtenderFilterResult result;
  result.node_names = std::vector<std::string>{"n1"};
  result.failed_nodes = {{"n2", "no GPU"}, {"n3", "full"}};
  result.failed_and_unresolvable_nodes = {{"n4", "gone"}};
  EXPECT_EQ(EncodeExtenderFilterResult(result),
            R"({"Nodes":null,"NodeNames":["n1"],"FailedNodes":{"n2":"no GPU",)"
            R"("n3":"full"},"FailedAndUnresolvableNodes":{"n4":"gone"},)"
            R"("Error":""})");
  ASSERT_OK_AND_ASSIGN(ExtenderFilterResult back,
                       DecodeExtenderFilterResult(EncodeExtenderFilterResult(result)));
  EXPECT_EQ(back.node_names, result.node_names);
  EXPECT_EQ(back.failed_nodes, result.failed_nodes);
  EXPECT_EQ(back.failed_and_unresolvable_nodes,
            result.failed_and_unresolvable_nodes);

  ExtenderFilterResult error;
  error.error = "boom";
  EXPECT_EQ(EncodeExtenderFilterResult(error),
            R"({"Nodes":null,"NodeNames":null,"FailedNodes":{},)"
            R"("FailedAndUnresolvableNodes":{},"Error":"boom"})");
  ASSERT_OK_AND_ASSIGN(
      ExtenderFilterResult nulls,
      DecodeExtenderFilterResult(R"({"FailedNodes":null,"Error":null})"));
  EXPECT_TRUE(nulls.failed_nodes.empty());
  EXPECT_EQ(nulls.error, "");
}

TEST(WireTypesTest, HostPriorityListGolden) {
  std::vector<HostPriority> list{{"n1", 7}, {"n2", 0}};
  EXPECT_EQ(EncodeHostPriorityList(list),
            R"([{"Host":"n1","Score":7},{"Host":"n2","Score":0}])");
  EXPECT_EQ(EncodeHostPriorityList({}), "[]");
  ASSERT_OK_AND_ASSIGN(std::vector<HostPriority> back,
                       DecodeHostPriorityList(EncodeHostPriorityList(list)));
  EXPECT_EQ(back, list);
  ASSERT_OK_AND_ASSIGN(std::vector<HostPriority> none,
                       DecodeHostPriorityList("null"));
  EXPECT_TRUE(none.empty());
}

TEST(WireTypesTest, BindingGolden) {
  ExtenderBindingArgs args{"pod", "ns", "uid-1", "n1"};
  EXPECT_EQ(EncodeExtenderBindingArgs(args),
            R"({"PodName":"pod","PodNamespace":"ns","PodUID":"uid-1",)"
            R"("Node":"n1"})");
  ASSERT_OK_AND_ASSIGN(ExtenderBindingArgs back,
                       DecodeExtenderBindingArgs(EncodeExtenderBindingArgs(args)));
  EXPECT_EQ(back.pod_name, "pod");
  EXPECT_EQ(back.pod_namespace, "ns");
  EXPECT_EQ(back.pod_uid, "uid-1");
  EXPECT_EQ(back.node, "n1");
  EXPECT_EQ(EncodeExtenderBindingResult({}), R"({"Error":""})");
  EXPECT_EQ(EncodeExtenderBindingResult({"no"}), R"({"Error":"no"})");
  ASSERT_OK_AND_ASSIGN(ExtenderBindingResult result,
                       DecodeExtenderBindingResult(R"({"Error":"x"})"));
  EXPECT_EQ(result.error, "x");
}

TEST(WireTypesTest, PreemptionGolden) {
  ASSERT_OK_AND_ASSIGN(
      ExtenderPreemptionArgs args,
      DecodeExtenderPreemptionArgs(
          R"({"Pod":{"metadata":{"name":"p"}},"NodeNameToVictims":null,)"
          R"("NodeNameToMetaVictims":{"n1":{"Pods":[{"UID":"a"},{"UID":"b"}],)"
          R"("NumPDBViolations":1}}})"));
  ASSERT_EQ(args.node_name_to_meta_victims.size(), 1u);
  EXPECT_THAT(args.node_name_to_meta_victims["n1"].pod_uids,
              ElementsAre("a", "b"));
  EXPECT_EQ(EncodeExtenderPreemptionResult({args.node_name_to_meta_victims}),
            R"({"NodeNameToMetaVictims":{"n1":{"Pods":[{"UID":"a"},)"
            R"({"UID":"b"}],"NumPDBViolations":1}}})");
  EXPECT_EQ(EncodeExtenderPreemptionResult({}),
            R"({"NodeNameToMetaVictims":{}})");
}

TEST(WireTypesTest, MalformedInputsNameTheProblem) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "malformed JSON"},
      {"{", "malformed JSON"},
      {"[]", "must be a JSON object"},
      {R"({"Pod":"p"})", "\"Pod\""},
      {R"({"Pod":{},"NodeNames":"n1"})", "\"NodeNames\""},
      {R"({"Pod":{},"NodeNames":[1]})", "\"NodeNames\""},
      {R"({"Pod":{},"Nodes":[]})", "\"Nodes\""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(DecodeExtenderArgs(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
  EXPECT_THAT(DecodeExtenderBindingArgs(R"({"PodName":3})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("PodName")));
  EXPECT_THAT(DecodeExtenderFilterResult(R"({"FailedNodes":{"a":1}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("FailedNodes")));
  EXPECT_THAT(DecodeHostPriorityList(R"([{"Host":"a","Score":"x"}])"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Score")));
  EXPECT_THAT(DecodeHostPriorityList("{}"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(
      DecodeExtenderPreemptionArgs(R"({"NodeNameToMetaVictims":{"n":{"Pods":3}}})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Pods")));
}

}  // namespace
}  // namespace gpulet::extender
