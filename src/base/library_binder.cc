#include "base/library_binder.h"

#include <dlfcn.h>

#include "absl/strings/str_cat.h"

namespace gpulet {

absl::StatusOr<LibraryBinder> LibraryBinder::Open(const std::string& soname,
                                                  const std::string& needed_for) {
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load ", soname, " (needed ", needed_for, "): ", dlerror()));
  }
  return LibraryBinder(handle, soname);
}

void* LibraryBinder::Find(const char* name) {
  // dlsym on the handle also searches the library's own dependencies.
  void* symbol = dlsym(handle_, name);
  if (symbol == nullptr && missing_.empty()) missing_ = name;
  return symbol;
}

absl::Status LibraryBinder::Finish() const {
  if (missing_.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(soname_, " has no ", missing_));
}

}  // namespace gpulet
