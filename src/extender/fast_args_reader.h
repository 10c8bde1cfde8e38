// TryReadExtenderArgs: the filter request's quick path. kube-scheduler
// sends every node name of the cluster in each /filter call (NodeNames,
// nodeCacheCapable mode); building a JSON DOM for thousands of names and
// copying them out was the largest cost of a decision. This reader walks
// the top-level object once, validating as it goes, reads NodeNames
// straight into strings and hands only the Pod and Nodes members to the
// JSON library.
//
// It answers only what it can answer exactly as the full parser would:
// on anything unusual (malformed JSON, a field of the wrong type, escapes
// in names, \u escapes, exponents, deep nesting) it returns false and the
// caller parses the text with the full parser, which also words the error.
// So every text it accepts, the full parser accepts with the same result.
//
// Thread-safe (a free function over its arguments).
#ifndef GPULET_EXTENDER_FAST_ARGS_READER_H_
#define GPULET_EXTENDER_FAST_ARGS_READER_H_

#include <string_view>

#include "extender/wire_types.h"

namespace gpulet::extender {

// Fills `args` and returns true, or returns false (args unspecified) when
// the full parser must decide.
bool TryReadExtenderArgs(std::string_view text, ExtenderArgs& args);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_FAST_ARGS_READER_H_
