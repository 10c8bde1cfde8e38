// YamlField: one node of a parsed YAML document together with its path
// ("gpus[2].memory.total") and the file it came from, so that every error a
// parser reports names the file, the field and what was expected.
//
// Example:
//   YamlField root(node, "dgx.yaml");
//   ASSIGN_OR_RETURN(uint64_t total, root["memory"]["total"].Uint());
//   // on "80GB": dgx.yaml: memory.total: expected an integer, got "80GB"
//
// A cheap value (yaml-cpp nodes share their document); thread-compatible.
#ifndef GPULET_MOCK_NVML_YAML_FIELD_H_
#define GPULET_MOCK_NVML_YAML_FIELD_H_

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::mock {

class YamlField {
 public:
  // The document root; `file_name` prefixes every message.
  YamlField(YAML::Node node, std::string file_name);

  // Parses `text`; InvalidArgument "<file>:<line>:<col>: invalid YAML: ..."
  // when it is not YAML.
  static absl::StatusOr<YamlField> Parse(absl::string_view text,
                                         std::string file_name);

  bool present() const { return node_.IsDefined() && !node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }
  size_t size() const { return node_.size(); }

  // Children. A missing key yields a field that is not present().
  YamlField operator[](absl::string_view key) const;
  YamlField At(size_t index) const;

  // Typed values. Each fails with InvalidArgument naming the field when the
  // field is missing or has the wrong type. Integers accept decimal and
  // "0x" hex and must lie in [min, max].
  absl::StatusOr<std::string> String() const;
  absl::StatusOr<uint64_t> Uint(
      uint64_t max = std::numeric_limits<uint64_t>::max()) const;
  absl::StatusOr<bool> Bool() const;
  // An NVIDIA UUID: `prefix` ("GPU-", "MIG-") then 8-4-4-4-12 hex digits.
  absl::StatusOr<std::string> Uuid(absl::string_view prefix) const;

  // OK when the field is a map whose keys are all in `allowed`; otherwise
  // names the first stray key (typos must not pass silently).
  absl::Status ExpectMap(std::initializer_list<absl::string_view> allowed) const;
  // OK when the field is a sequence (possibly empty).
  absl::Status ExpectSequence() const;

  // InvalidArgument "<file>: <path>: <what>".
  absl::Status Error(absl::string_view what) const;

  const std::string& path() const { return path_; }

 private:
  YamlField(YAML::Node node, std::string path, std::string file_name);
  template <typename Key>
  YAML::Node Child(bool applicable, const Key& key) const;

  YAML::Node node_;
  std::string path_;
  std::string file_name_;
};

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_YAML_FIELD_H_
