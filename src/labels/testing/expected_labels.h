// The labels NVIDIA's GFD gives the shipped mock machines
// (mock/machines/*.yaml), written out by hand from the profiles and the
// label rules of reference device-plugin.md §11.4, for the comparison in
// gfd_labeler_mock_test.cc. Deliberately data, not a second implementation
// of the rules.
//
// Test-only; thread-safe.
#ifndef GPULET_LABELS_TESTING_EXPECTED_LABELS_H_
#define GPULET_LABELS_TESTING_EXPECTED_LABELS_H_

#include <string>

#include "config/strategies.h"
#include "labels/labeler.h"

namespace gpulet::labels::testing {

// `sharing`: "none", "time-slicing" (gpu ×4, mig-1g.5gb ×2),
// "time-slicing-renamed" (gpu ×4, renameByDefault) or "mps" (gpu ×2).
// The timestamp is 1724632719.
LabelMap ExpectedLabels(const std::string& machine, MigStrategy strategy,
                        const std::string& sharing);

// "-key=value" / "+key=value" lines of the differences, for failure output.
std::string DiffLabels(const LabelMap& want, const LabelMap& got);

}  // namespace gpulet::labels::testing

#endif  // GPULET_LABELS_TESTING_EXPECTED_LABELS_H_
