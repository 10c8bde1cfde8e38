// Fuzz target: the JSON kube-scheduler sends the extender — ExtenderArgs
// (/filter, /prioritize), ExtenderBindingArgs (/bind),
// ExtenderPreemptionArgs (/preempt) — and the answers' decoders the tests
// and tools use, through both the full decoder and the quick /filter path.
//
// Input: the request body, then a last byte choosing the decoder. The quick path promises
// that "every text it accepts, the full parser accepts with the same
// result"; a difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "extender/fast_args_reader.h"
#include "extender/wire_types.h"
#include "fuzzer/FuzzedDataProvider.h"

namespace gpulet::extender {
namespace {

void FuzzArgs(const std::string& text) {
  absl::StatusOr<ExtenderArgs> full = DecodeExtenderArgs(text);
  ExtenderArgs quick;
  if (TryReadExtenderArgs(text, quick)) {
    if (!full.ok() || quick.pod != full->pod || quick.nodes != full->nodes ||
        quick.node_names != full->node_names) {
      std::abort();
    }
  }
  // What the extender answers must decode to what it was built from.
  if (full.ok()) {
    absl::StatusOr<ExtenderArgs> again = DecodeExtenderArgs(EncodeExtenderArgs(*full));
    if (!again.ok() || again->node_names != full->node_names) std::abort();
  }
}

}  // namespace
}  // namespace gpulet::extender

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpulet::extender;
  FuzzedDataProvider input(data, size);
  const int selector = input.ConsumeIntegralInRange<int>(0, 5);
  const std::string text = input.ConsumeRemainingBytesAsString();
  switch (selector) {
    case 0:
      FuzzArgs(text);
      break;
    case 1:
      (void)DecodeExtenderBindingArgs(text);
      break;
    case 2:
      (void)DecodeExtenderPreemptionArgs(text);
      break;
    case 3:
      (void)DecodeExtenderFilterResult(text);
      break;
    case 4:
      (void)DecodeHostPriorityList(text);
      break;
    case 5:
      (void)DecodeExtenderBindingResult(text);
      break;
  }
  return 0;
}
