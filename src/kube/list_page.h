// Decoding of one page of a LIST answer (v1.NodeList, v1.PodList, ...):
// its items, the snapshot's resourceVersion and the continue token of the
// next page.
//
// The answer is outside input; a member of an unexpected type is an error
// or reads as absent, never an exception. Pure function; thread-safe.
#ifndef GPULET_KUBE_LIST_PAGE_H_
#define GPULET_KUBE_LIST_PAGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube {

struct ListPage {
  std::vector<nlohmann::json> items;
  std::string resource_version;  // metadata.resourceVersion; "" when absent
  std::string continue_token;    // metadata.continue; "" on the last page
};

// InvalidArgument "items is not a list" or "metadata is not an object" when
// those members are present (and not null) with another type. A
// resourceVersion or continue that is not a string reads as "".
absl::StatusOr<ListPage> ParseListPage(const nlohmann::json& page);

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_LIST_PAGE_H_
