// CurlLibrary: libcurl's entry points, loaded with dlopen the first time a
// Kubernetes client is created rather than linked. libcurl pulls in some
// forty libraries (OpenSSL, GnuTLS, Kerberos, LDAP, ...) whose load-time
// initialisation costs every gpulet process about 6 MiB resident and tens
// of milliseconds at start; the device plugin and feature discovery only
// need them when they talk to the API server.
//
// Thread-safe: LoadCurl loads once; the table never changes afterwards.
#ifndef GPULET_KUBE_CURL_LIBRARY_H_
#define GPULET_KUBE_CURL_LIBRARY_H_

#include <curl/curl.h>

#include "absl/status/status.h"

namespace gpulet::kube {

struct CurlApi {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  void (*easy_reset)(CURL* handle);
  void (*easy_cleanup)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

// Loads libcurl.so.4 and runs curl_global_init, once per process.
// FailedPrecondition naming the library or the missing symbol otherwise.
absl::Status LoadCurl();

// The loaded entry points. Only valid after LoadCurl() returned OK.
const CurlApi& Curl();

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_CURL_LIBRARY_H_
