// FlagOrEnv: the precedence every gpulet flag with an environment variable
// follows — the flag when given, else the variable when set and not empty,
// else the default.
//
// Stateless; thread-safe once parsing is over.
#ifndef GPULET_CLI_FLAG_OR_ENV_H_
#define GPULET_CLI_FLAG_OR_ENV_H_

#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "config/environment.h"

namespace gpulet::cli {

inline std::string FlagOrEnv(const CLI::Option* option, const std::string& flag_value,
                             const Environment& env, const char* variable,
                             const std::string& fallback) {
  if (option->count() > 0) return flag_value;
  std::optional<std::string> value = env.Get(variable);
  return value.has_value() && !value->empty() ? *value : fallback;
}

}  // namespace gpulet::cli

#endif  // GPULET_CLI_FLAG_OR_ENV_H_
