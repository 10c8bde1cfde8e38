// LibraryBinder: opens a shared library with dlopen and fills a table of
// its entry points by name, for the libraries gpulet loads only when a
// feature needs them (libcurl for the API server, libssl for TLS) so that
// processes without that feature never map them. The library is never
// closed: its functions stay callable until exit.
//
// Example:
//   ASSIGN_OR_RETURN(LibraryBinder lib, LibraryBinder::Open("libssl.so.3", "to serve TLS"));
//   lib.Bind("SSL_new", api.ssl_new);
//   RETURN_IF_ERROR(lib.Finish());
//
// Not thread-safe; callers load once (std::call_once).
#ifndef GPULET_BASE_LIBRARY_BINDER_H_
#define GPULET_BASE_LIBRARY_BINDER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gpulet {

class LibraryBinder {
 public:
  // FailedPrecondition naming `soname`, what it is `needed_for` and
  // dlerror() when it cannot be loaded.
  static absl::StatusOr<LibraryBinder> Open(const std::string& soname,
                                            const std::string& needed_for);

  // Sets `out` to the symbol `name`, or null, remembering the first missing.
  template <typename Fn>
  void Bind(const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(Find(name));
  }

  // OK when every Bind found its symbol, else FailedPrecondition naming
  // the first that did not.
  absl::Status Finish() const;

 private:
  LibraryBinder(void* handle, std::string soname)
      : handle_(handle), soname_(std::move(soname)) {}
  void* Find(const char* name);

  void* handle_;
  std::string soname_;
  std::string missing_;
};

}  // namespace gpulet

#endif  // GPULET_BASE_LIBRARY_BINDER_H_
