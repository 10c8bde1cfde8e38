#include "kube/list_page.h"

#include "absl/status/status.h"

namespace gpulet::kube {
namespace {

std::string StringOrEmpty(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<ListPage> ParseListPage(const nlohmann::json& page) {
  ListPage out;
  if (!page.is_object()) return absl::InvalidArgumentError("the list is not an object");
  auto items = page.find("items");
  if (items != page.end() && !items->is_array() && !items->is_null()) {
    return absl::InvalidArgumentError("items is not a list");
  }
  if (items != page.end() && items->is_array()) {
    out.items.assign(items->begin(), items->end());
  }
  auto metadata = page.find("metadata");
  if (metadata == page.end() || metadata->is_null()) return out;
  if (!metadata->is_object()) return absl::InvalidArgumentError("metadata is not an object");
  out.resource_version = StringOrEmpty(*metadata, "resourceVersion");
  out.continue_token = StringOrEmpty(*metadata, "continue");
  return out;
}

}  // namespace gpulet::kube
