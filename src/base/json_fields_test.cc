#include "base/json_fields.h"

#include "gtest/gtest.h"

namespace gpulet {
namespace {

TEST(JsonFieldsTest, ReadsNestedStringsAndNeverThrows) {
  nlohmann::json pod = nlohmann::json::parse(R"({
    "metadata": {"uid": "u1", "annotations": {"a": "x", "n": 3}},
    "spec": "not an object", "status": {"phase": null}})");
  EXPECT_EQ(StringAt(pod, {"metadata", "uid"}), "u1");
  EXPECT_EQ(StringAt(pod, {"spec", "nodeName"}), "");
  EXPECT_EQ(StringAt(pod, {"status", "phase"}), "");
  EXPECT_EQ(StringAt(pod, {"missing", "deeper", "still"}), "");
  EXPECT_EQ(OptionalStringAt(pod, {"metadata", "uid"}), "u1");
  EXPECT_FALSE(OptionalStringAt(pod, {"metadata"}).has_value());
  EXPECT_EQ(AnnotationOf(pod, "a"), "x");
  EXPECT_FALSE(AnnotationOf(pod, "n").has_value());
  EXPECT_FALSE(AnnotationOf(pod, "b").has_value());
  for (const char* odd : {"null", "[]", "\"s\"", "7", "{\"metadata\": []}",
                          "{\"metadata\": {\"annotations\": \"x\"}}"}) {
    nlohmann::json value = nlohmann::json::parse(odd);
    EXPECT_EQ(StringAt(value, {"metadata", "uid"}), "") << odd;
    EXPECT_FALSE(AnnotationOf(value, "a").has_value()) << odd;
  }
  EXPECT_EQ(JsonAt(pod, {}), &pod);
}

}  // namespace
}  // namespace gpulet
