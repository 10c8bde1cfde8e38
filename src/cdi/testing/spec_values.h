// Short constructors for spec values in tests (designated initializers
// trip -Wmissing-field-initializers on these aggregates).
//
// Test-only; thread-safe (pure functions).
#ifndef GPULET_CDI_TESTING_SPEC_VALUES_H_
#define GPULET_CDI_TESTING_SPEC_VALUES_H_

#include <string>
#include <utility>
#include <vector>

#include "cdi/spec.h"

namespace gpulet::cdi::testing {

inline DeviceNode Node(std::string path, std::string host_path = "") {
  DeviceNode node;
  node.path = std::move(path);
  node.host_path = std::move(host_path);
  return node;
}

inline Mount BindMount(std::string host_path, std::string container_path) {
  Mount mount;
  mount.host_path = std::move(host_path);
  mount.container_path = std::move(container_path);
  return mount;
}

inline Hook MakeHook(std::string name, std::string path, std::vector<std::string> args) {
  Hook hook;
  hook.hook_name = std::move(name);
  hook.path = std::move(path);
  hook.args = std::move(args);
  return hook;
}

}  // namespace gpulet::cdi::testing

#endif  // GPULET_CDI_TESTING_SPEC_VALUES_H_
