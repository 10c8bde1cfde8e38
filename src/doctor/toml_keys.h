// ParseTomlKeys: the key/value pairs of a TOML document (containerd's and
// CRI-O's config files), each under its full key path — the table header
// it follows plus its own dotted key, quotes removed, so that
// [plugins."io.containerd.grpc.v1.cri"] enable_cdi = true is
// {"plugins", "io.containerd.grpc.v1.cri", "enable_cdi"}.
//
// Enough TOML for runtime configs: tables and arrays of tables (whose
// entries share one path; the last wins), bare, quoted and dotted keys,
// basic and literal strings (multi-line too), booleans, numbers and dates
// (kept as text), arrays (over several lines, with comments) and inline
// tables (their keys flattened under the key). A pure function over text;
// thread-safe.
#ifndef GPULET_DOCTOR_TOML_KEYS_H_
#define GPULET_DOCTOR_TOML_KEYS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::doctor {

struct TomlValue {
  enum class Kind { kString, kBool, kOther, kArray };
  Kind kind = Kind::kOther;
  std::string text;                // a string's content, "true"/"false", a number as written
  std::vector<std::string> items;  // kArray: the string (or other scalar) items, in order
};

using TomlPath = std::vector<std::string>;
using TomlKeys = std::map<TomlPath, TomlValue>;

// InvalidArgument "line N: <what was expected>" for anything that is not
// TOML this reader understands (an unterminated string, array or header, a
// key without '=', a value missing, text after a value).
absl::StatusOr<TomlKeys> ParseTomlKeys(std::string_view text);

// The value at `path`, or nullptr.
const TomlValue* FindToml(const TomlKeys& keys, const TomlPath& path);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_TOML_KEYS_H_
