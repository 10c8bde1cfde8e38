// Query-string building for API server requests. Pure functions.
#ifndef GPULET_KUBE_URL_H_
#define GPULET_KUBE_URL_H_

#include <string>
#include <string_view>

namespace gpulet::kube {

struct ListOptions;

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string QueryEscape(std::string_view value);

// "&labelSelector=..&fieldSelector=.." for the non-empty selectors.
std::string SelectorQuery(const ListOptions& options);

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_URL_H_
