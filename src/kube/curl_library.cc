#include "kube/curl_library.h"

#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/library_binder.h"
#include "base/status_macros.h"

namespace gpulet::kube {
namespace {

constexpr char kLibrary[] = "libcurl.so.4";

CurlApi api;
absl::Status load_status;

absl::Status Load() {
  ASSIGN_OR_RETURN(LibraryBinder library,
                   LibraryBinder::Open(kLibrary, "to talk to the Kubernetes API server"));
  library.Bind("curl_global_init", api.global_init);
  library.Bind("curl_easy_init", api.easy_init);
  library.Bind("curl_easy_setopt", api.easy_setopt);
  library.Bind("curl_easy_perform", api.easy_perform);
  library.Bind("curl_easy_getinfo", api.easy_getinfo);
  library.Bind("curl_easy_reset", api.easy_reset);
  library.Bind("curl_easy_cleanup", api.easy_cleanup);
  library.Bind("curl_easy_strerror", api.easy_strerror);
  library.Bind("curl_slist_append", api.slist_append);
  library.Bind("curl_slist_free_all", api.slist_free_all);
  if (absl::Status bound = library.Finish(); !bound.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(bound.message(), ": libcurl is too old"));
  }
  CURLcode rc = api.global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("curl_global_init: ", api.easy_strerror(rc)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadCurl() {
  static std::once_flag once;
  std::call_once(once, [] { load_status = Load(); });
  return load_status;
}

const CurlApi& Curl() { return api; }

}  // namespace gpulet::kube
