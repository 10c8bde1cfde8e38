// Fuzz target: the HTTP/1.x request parser behind every server gpulet runs
// (extender, metrics). ParseRequest sees whatever a client on the network
// sends, byte for byte.
//
// Input: the received bytes, then (at the end) a byte that may pick small
// head and body caps from the bytes before it, so that short inputs reach
// the 413 and 431 paths too. Besides memory errors, a parse that claims
// more bytes than it was given, or a refusal without a status, is a failure.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzzer/FuzzedDataProvider.h"
#include "http/request_parser.h"

namespace {

// The parser is re-run as bytes arrive; each prefix must parse as a
// consistent state too.
void Check(std::string_view buffer, const gpulet::http::RequestLimits& limits) {
  using Progress = gpulet::http::ParsedRequest::Progress;
  gpulet::http::ParsedRequest parsed = gpulet::http::ParseRequest(buffer, limits);
  switch (parsed.progress) {
    case Progress::kComplete:
      if (parsed.consumed == 0 || parsed.consumed > buffer.size()) std::abort();
      if (parsed.request.body.size() > limits.max_body_bytes) std::abort();
      break;
    case Progress::kInvalid:
      if (parsed.error_status < 400 || parsed.error_status > 599) std::abort();
      break;
    case Progress::kIncomplete:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  gpulet::http::RequestLimits limits;
  if (input.ConsumeBool()) {
    limits.max_head_bytes = input.ConsumeIntegralInRange<size_t>(16, 4096);
    limits.max_body_bytes = input.ConsumeIntegralInRange<size_t>(0, 4096);
  }
  const std::string bytes = input.ConsumeRemainingBytesAsString();
  Check(bytes, limits);
  // A split at an arbitrary point, as a slow client would deliver it.
  if (!bytes.empty()) Check(std::string_view(bytes).substr(0, bytes.size() / 2), limits);
  return 0;
}
