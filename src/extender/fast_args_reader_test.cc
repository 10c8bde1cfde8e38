#include "extender/fast_args_reader.h"

#include <random>
#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "extender/test_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::ElementsAre;
using Json = nlohmann::json;

// What the full parser makes of a text: nullopt where it refuses it.
std::optional<ExtenderArgs> FullParse(std::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  ExtenderArgs args;
  if (auto pod = json.find("Pod"); pod != json.end() && !pod->is_null()) {
    if (!pod->is_object()) return std::nullopt;
    args.pod = *pod;
  }
  if (auto nodes = json.find("Nodes"); nodes != json.end() && !nodes->is_null()) {
    if (!nodes->is_object()) return std::nullopt;
    args.nodes = *nodes;
  }
  if (auto names = json.find("NodeNames"); names != json.end() && !names->is_null()) {
    if (!names->is_array()) return std::nullopt;
    args.node_names.emplace();
    for (const Json& name : *names) {
      if (!name.is_string()) return std::nullopt;
      args.node_names->push_back(name.get<std::string>());
    }
  }
  return args;
}

void ExpectSame(const ExtenderArgs& got, const ExtenderArgs& want, std::string_view text) {
  EXPECT_EQ(got.pod, want.pod) << text;
  EXPECT_EQ(got.nodes, want.nodes) << text;
  EXPECT_EQ(got.node_names, want.node_names) << text;
}

std::string NamesBody() {
  ExtenderArgs args;
  args.pod = testing::PodObject("p", 1, 500);
  args.node_names = std::vector<std::string>{"node-a", "node-b", "nöde-c"};
  return EncodeExtenderArgs(args);
}

std::string NodesBody() {
  ExtenderArgs args;
  args.pod = testing::PodObject("q", 2, 0);
  args.nodes = Json{{"items", Json::array({testing::NodeObject("n0", 8, 81920)})}};
  return EncodeExtenderArgs(args);
}

TEST(FastArgsReaderTest, ReadsBothModesAsTheFullParserDoes) {
  for (const std::string& text : {NamesBody(), NodesBody()}) {
    ExtenderArgs args;
    ASSERT_TRUE(TryReadExtenderArgs(text, args)) << text;
    ExpectSame(args, *FullParse(text), text);
  }
}

TEST(FastArgsReaderTest, AcceptsWhitespaceUnknownMembersAndNulls) {
  const std::string text = R"( {
    "Extra": {"a": [1, -2.5, true, false, null, "x\n\"y\"", {}, []]},
    "Pod" : null , "Nodes": null,
    "NodeNames" : [ "a" , "b" ] ,
    "More": -0.0
  } )";
  ExtenderArgs args;
  ASSERT_TRUE(TryReadExtenderArgs(text, args));
  EXPECT_TRUE(args.pod.is_null());
  EXPECT_FALSE(args.nodes.has_value());
  EXPECT_THAT(*args.node_names, ElementsAre("a", "b"));
}

TEST(FastArgsReaderTest, KeepsTheLastOfRepeatedMembers) {
  const std::string text =
      R"({"NodeNames":["a"],"Pod":{"x":1},"NodeNames":["b","c"],"Pod":{"y":2}})";
  ExtenderArgs args;
  ASSERT_TRUE(TryReadExtenderArgs(text, args));
  ExpectSame(args, *FullParse(text), text);
  EXPECT_THAT(*args.node_names, ElementsAre("b", "c"));
}

TEST(FastArgsReaderTest, EmptyObjectAndEmptyList) {
  ExtenderArgs args;
  ASSERT_TRUE(TryReadExtenderArgs("{}", args));
  EXPECT_FALSE(args.node_names.has_value());
  ASSERT_TRUE(TryReadExtenderArgs(R"({"NodeNames":[]})", args));
  ASSERT_TRUE(args.node_names.has_value());
  EXPECT_TRUE(args.node_names->empty());
}

// Each of these is left to the full parser, legal or not.
TEST(FastArgsReaderTest, LeavesUnusualTextToTheFullParser) {
  const std::vector<std::string> texts = {
      "",
      "[]",
      "null",
      "\xEF\xBB\xBF{}",                         // byte order mark
      R"({"NodeNames":["a\u0041"]})",           // \u escape in a name
      R"({"NodeNames":["a\nb"]})",              // any escape in a name
      R"({"X":"\ud800"})",                      // lone surrogate
      R"({"X":1e999})",                         // exponent (overflows)
      R"({"X":1e2})",
      R"({"NodeNames":[1]})",                   // wrong element type
      R"({"NodeNames":"a"})",
      R"({"Pod":[]})",
      R"({"Nodes":5})",
      R"({"N\u0061me":1})",                     // escaped key
      "{\"X\":\"\x01\"}",                       // control character
      "{\"X\":\"\xC0\xAF\"}",                   // overlong UTF-8
      "{\"X\":\"\xED\xA0\x80\"}",               // encoded surrogate
      "{\"X\":\"\xF4\x90\x80\x80\"}",           // past U+10FFFF
      "{\"X\":\"\xE2\x82\"}",                   // truncated sequence
      std::string(100, '[') + std::string(100, ']'),
      "{\"X\":" + std::string(100, '[') + std::string(100, ']') + "}",
      "{\"X\":" + std::string(200, '1') + "}",  // would overflow a double
      R"({"X":01})",
      R"({"X":1.})",
      R"({"X":-})",
      R"({"X":tru})",
      R"({"X":1,})",
      R"({"X":[1,]})",
      R"({"X" 1})",
      R"({"X":1}})",
      R"({"X":1} x)",
      R"({"X":"abc)",
      R"({"X":{"a":1)",
  };
  for (const std::string& text : texts) {
    ExtenderArgs args;
    EXPECT_FALSE(TryReadExtenderArgs(text, args)) << text;
  }
}

TEST(FastArgsReaderTest, AcceptsWellFormedUtf8) {
  const std::string text = "{\"NodeNames\":[\"\xC3\xA9\",\"\xE2\x82\xAC\",\"\xF0\x9F\x98\x80\"],"
                           "\"X\":\"\xEF\xBF\xBD\"}";
  ExtenderArgs args;
  ASSERT_TRUE(TryReadExtenderArgs(text, args));
  ExpectSame(args, *FullParse(text), text);
}

// Random damage to real requests: whatever the quick path accepts, the full
// parser accepts with the same result, and DecodeExtenderArgs agrees with
// the full parser on every text.
TEST(FastArgsReaderTest, AgreesWithTheFullParserOnDamagedRequests) {
  std::mt19937 random(7);
  const std::vector<std::string> seeds = {NamesBody(), NodesBody()};
  const std::string alphabet = "{}[]\":,\\ -.0123456789eEtrufalsn\x01\x7f\xc3\xa9\xff";
  int accepted = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[round % seeds.size()];
    int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = random() % text.size();
      char c = alphabet[random() % alphabet.size()];
      switch (random() % 4) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(text.begin() + at, c); break;
        case 2: text[at] = c; break;
        default: text.resize(at); break;
      }
    }
    std::optional<ExtenderArgs> want = FullParse(text);
    ExtenderArgs quick;
    if (TryReadExtenderArgs(text, quick)) {
      ++accepted;
      ASSERT_TRUE(want.has_value()) << "accepted what the full parser refuses: " << text;
      ExpectSame(quick, *want, text);
    } else {
      ++refused;
    }
    absl::StatusOr<ExtenderArgs> decoded = DecodeExtenderArgs(text);
    ASSERT_EQ(decoded.ok(), want.has_value()) << text;
    if (decoded.ok()) ExpectSame(*decoded, *want, text);
  }
  // The damage must exercise both answers to mean anything.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace gpulet::extender
