// A read-only view of the process environment.
//
// The one place in gpulet that reads environment variables: everything else
// receives an Environment (or values merged from it by config/), so tests can
// pass a fake one and no module has hidden inputs.
//
// Thread-safe: immutable after construction.
#ifndef GPULET_CONFIG_ENVIRONMENT_H_
#define GPULET_CONFIG_ENVIRONMENT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gpulet {

class Environment {
 public:
  // A snapshot of the variables of the running process.
  static Environment FromProcess();
  // A fixed set of variables, for tests.
  static Environment FromMap(std::map<std::string, std::string, std::less<>> vars);

  // The value of `name`, or nullopt when it is unset. A variable set to the
  // empty string is returned as "".
  std::optional<std::string> Get(std::string_view name) const;

 private:
  explicit Environment(std::map<std::string, std::string, std::less<>> vars)
      : vars_(std::move(vars)) {}

  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace gpulet

#endif  // GPULET_CONFIG_ENVIRONMENT_H_
