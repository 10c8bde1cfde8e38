// Kubernetes label syntax, as nfd-worker and the API server check it, and
// the conversion of free text (GPU names, DMI product names) into a label
// value that passes.
//
// NVIDIA's GFD only drops characters outside [A-Za-z0-9-_. ]; a long name
// ("NVIDIA RTX PRO 6000 Blackwell Server Edition" + "-MIG-1g.24gb-SHARED")
// then exceeds 63 characters and NFD silently drops the label (GFD issue
// #1876). gpulet shortens such values deterministically instead.
//
// Pure functions; thread-safe.
#ifndef GPULET_LABELS_LABEL_SYNTAX_H_
#define GPULET_LABELS_LABEL_SYNTAX_H_

#include <string>
#include <string_view>
#include <vector>

namespace gpulet::labels {

inline constexpr size_t kMaxLabelValueLength = 63;

// A valid label value: empty, or at most 63 characters of [A-Za-z0-9-_.]
// starting and ending with [A-Za-z0-9].
bool IsValidLabelValue(std::string_view value);

// A valid qualified label key ("nvidia.com/gpu.count"): an optional DNS
// subdomain prefix (at most 253 characters, lower-case) and "/", then a
// name of at most 63 characters of [A-Za-z0-9-_.] with alphanumeric ends.
bool IsValidLabelKey(std::string_view key);

// GFD's sanitising: drops characters outside [A-Za-z0-9-_. ], turns runs of
// spaces into one "-". The result may still be too long or end in "-".
std::string SanitizeText(std::string_view text);

// Joins `parts` (each sanitized) with "-" into a valid label value,
// trimming non-alphanumeric ends. When the result would exceed 63
// characters, the first part (the model name) is cut and followed by "-"
// and 8 hex digits of a hash of the whole untruncated value, so that
// different long names stay different and the same name always gives the
// same value; the later parts ("MIG", "1g.10gb", "SHARED") are kept whole.
// Example: ToLabelValue({"NVIDIA H100 80GB HBM3", "MIG", "1g.10gb"}) ==
// "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb".
std::string ToLabelValue(const std::vector<std::string_view>& parts);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_LABEL_SYNTAX_H_
