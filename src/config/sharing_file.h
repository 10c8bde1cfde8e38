// The reader of the `sharing` section of the config file (timeSlicing and
// mps), kept apart from config_file.cc because replicated resources have the
// most rules: names normalized, replicas >= 2, no duplicates, `devices` as
// "all", a count or a list.
//
// Internal to config/; not thread-safe (see yaml_field.h).
#ifndef GPULET_CONFIG_SHARING_FILE_H_
#define GPULET_CONFIG_SHARING_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "config/sharing.h"
#include "config/yaml_field.h"

namespace gpulet::config_internal {

// Fills `out` from the `sharing` map. InvalidArgument naming the field and
// line for a wrong type, a missing or empty `resources` list, a bad or
// duplicate name, replicas < 2.
absl::Status ParseSharingSection(const YamlField& sharing, Sharing& out,
                                 std::vector<std::string>* warnings);

}  // namespace gpulet::config_internal

#endif  // GPULET_CONFIG_SHARING_FILE_H_
