// YamlField: one node of a parsed config file together with its dotted field
// path ("flags.gfd.sleepInterval") and the file name, so that every error
// and warning about it can say where it is ("config.yaml:7:
// flags.migStrategy: ...").
//
// Internal to config/: the readers behind ParseConfigFile. Wraps yaml-cpp,
// whose exceptions never leave these methods. Not thread-safe (yaml-cpp
// nodes share state); used by one parse at a time.
#ifndef GPULET_CONFIG_YAML_FIELD_H_
#define GPULET_CONFIG_YAML_FIELD_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::config_internal {

class YamlField {
 public:
  // `file_name` must outlive the field and every field derived from it.
  YamlField(YAML::Node node, std::string path, const std::string* file_name)
      : node_(std::move(node)), path_(std::move(path)), file_name_(file_name) {}

  const std::string& path() const { return path_; }
  // 1-based line of the node in the file; 0 when unknown.
  int line() const;
  // True for a missing or `~`/empty value, which NVIDIA's parser treats as
  // "not set".
  bool IsNull() const;
  bool IsSequence() const { return node_.IsSequence(); }

  // InvalidArgument "<file>:<line>: <path>: <what>".
  absl::Status Error(std::string_view what) const;
  // Error() with the message of `cause` (e.g. from a value parser).
  absl::Status Error(const absl::Status& cause) const;
  // "<file>:<line>: <path>: <what>", for warnings.
  std::string Describe(std::string_view what) const;

  // Each returns Error() naming the expected type when the value has
  // another one.
  absl::StatusOr<bool> AsBool() const;
  absl::StatusOr<std::string> AsString() const;
  absl::StatusOr<int64_t> AsInt() const;
  // A string, or a list of strings.
  absl::StatusOr<std::vector<std::string>> AsStringOrList() const;
  absl::StatusOr<std::vector<YamlField>> AsList() const;

  // The child `key` of a map, nullopt when absent or null.
  std::optional<YamlField> Child(std::string_view key) const;
  // Error unless this is a map; appends one warning per key not in `known`
  // (NVIDIA's parser ignores unknown fields; gpulet ignores them too but
  // says so).
  absl::Status CheckMap(std::initializer_list<std::string_view> known,
                        std::vector<std::string>* warnings) const;

 private:
  YAML::Node node_;
  std::string path_;
  const std::string* file_name_;
};

// Reads `map.Child(key)` into `out` with `read` (a YamlField member such as
// &YamlField::AsBool); leaves `out` unset when the key is absent or null.
template <typename T>
absl::Status ReadOptional(const YamlField& map, std::string_view key,
                          absl::StatusOr<T> (YamlField::*read)() const,
                          std::optional<T>* out) {
  std::optional<YamlField> field = map.Child(key);
  if (!field.has_value()) return absl::OkStatus();
  absl::StatusOr<T> value = ((*field).*read)();
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

}  // namespace gpulet::config_internal

#endif  // GPULET_CONFIG_YAML_FIELD_H_
