// Fuzz target: the config file an operator (or a node label's named config)
// hands the node agent — ParseConfigFile with its sharing section, durations
// and Go booleans — and the merge that turns it into the validated Config.
//
// Input: the file's text, then a last byte choosing the consumer (device
// plugin or feature discovery). Only a crash, a hang or a sanitizer
// report is a failure; InvalidArgument is the expected answer to garbage.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "config/config_file.h"
#include "config/environment.h"
#include "fuzzer/FuzzedDataProvider.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const gpulet::ConfigUser user = input.ConsumeBool()
                                      ? gpulet::ConfigUser::kFeatureDiscovery
                                      : gpulet::ConfigUser::kDevicePlugin;
  const std::string text = input.ConsumeRemainingBytesAsString();
  absl::StatusOr<gpulet::ConfigFile> file = gpulet::ParseConfigFile(text, "fuzz.yaml");
  if (!file.ok()) return 0;
  absl::StatusOr<gpulet::Config> config = gpulet::ResolveConfig(
      gpulet::ConfigFlags{}, gpulet::Environment::FromMap({}), &*file, user);
  (void)config;
  return 0;
}
