// Fuzz target: CDI spec files as `gpulet cdi validate` and `gpulet cdi
// transform root` read them (ParseSpec over JSON or YAML, ValidateSpec,
// TransformRoot), and their text as gpulet writes it back.
//
// Input: the spec text, then five bytes (read from the end, as
// FuzzedDataProvider does) choosing the format, whether and on which side
// to transform and the two roots. A spec that parsed must be written as
// text that parses again to the same text; anything else is left to the
// sanitizers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cdi/spec_format.h"
#include "cdi/spec_transform.h"
#include "cdi/spec_validator.h"
#include "fuzzer/FuzzedDataProvider.h"

namespace gpulet::cdi {
namespace {

void CheckRoundTrip(const Spec& spec, SpecFormat format) {
  const std::string text = FormatSpec(spec, format);
  absl::StatusOr<Spec> again = ParseSpec(text, format);
  if (!again.ok() || FormatSpec(*again, format) != text) std::abort();
}

}  // namespace
}  // namespace gpulet::cdi

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpulet::cdi;
  FuzzedDataProvider input(data, size);
  const SpecFormat format = input.ConsumeBool() ? SpecFormat::kYaml : SpecFormat::kJson;
  const TransformTarget target =
      input.ConsumeBool() ? TransformTarget::kContainer : TransformTarget::kHost;
  const bool transform = input.ConsumeBool();
  const std::string from = input.ConsumeBool() ? "/run/nvidia/driver" : "/";
  const std::string to = input.ConsumeBool() ? "/" : "/usr/local/nvidia";
  absl::StatusOr<Spec> spec = ParseSpec(input.ConsumeRemainingBytesAsString(), format);
  if (!spec.ok()) return 0;
  (void)ValidateSpec(*spec);
  CheckRoundTrip(*spec, format);
  if (transform && TransformRoot(*spec, from, to, target).ok()) {
    (void)ValidateSpec(*spec);
    CheckRoundTrip(*spec, format);
  }
  return 0;
}
