#include "kube/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"

namespace gpulet::kube {
namespace {

constexpr char kLibrary[] = "libcurl.so.4";

CurlApi api;
absl::Status load_status;

template <typename Fn>
bool Bind(void* library, const char* name, Fn& out, std::string& missing) {
  out = reinterpret_cast<Fn>(dlsym(library, name));
  if (out == nullptr && missing.empty()) missing = name;
  return out != nullptr;
}

absl::Status Load() {
  // Never dlclosed: handles and the global state live until exit.
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load ", kLibrary, " (needed to talk to the Kubernetes API server): ",
                     dlerror()));
  }
  std::string missing;
  Bind(library, "curl_global_init", api.global_init, missing);
  Bind(library, "curl_easy_init", api.easy_init, missing);
  Bind(library, "curl_easy_setopt", api.easy_setopt, missing);
  Bind(library, "curl_easy_perform", api.easy_perform, missing);
  Bind(library, "curl_easy_getinfo", api.easy_getinfo, missing);
  Bind(library, "curl_easy_reset", api.easy_reset, missing);
  Bind(library, "curl_easy_cleanup", api.easy_cleanup, missing);
  Bind(library, "curl_easy_strerror", api.easy_strerror, missing);
  Bind(library, "curl_slist_append", api.slist_append, missing);
  Bind(library, "curl_slist_free_all", api.slist_free_all, missing);
  if (!missing.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(kLibrary, " has no ", missing, ": libcurl is too old"));
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
