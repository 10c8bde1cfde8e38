#include "kube/url.h"

#include "kube/client.h"

namespace gpulet::kube {

std::string QueryEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string SelectorQuery(const ListOptions& options) {
  std::string out;
  if (!options.label_selector.empty()) {
    out += "&labelSelector=" + QueryEscape(options.label_selector);
  }
  if (!options.field_selector.empty()) {
    out += "&fieldSelector=" + QueryEscape(options.field_selector);
  }
  return out;
}

}  // namespace gpulet::kube
