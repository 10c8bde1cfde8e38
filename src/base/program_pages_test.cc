#include "base/program_pages.h"

#include <dlfcn.h>
#include <unistd.h>
#include <link.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace gpulet {
namespace {

// The Rss of the mappings of `path` in /proc/self/smaps, in KiB.
long ResidentKib(const std::string& path) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in_path = false;
  long kib = 0;
  while (std::getline(smaps, line)) {
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find(' ') < line.find(':')) {
      in_path = line.size() >= path.size() && line.ends_with(path);
    } else if (in_path && line.rfind("Rss:", 0) == 0) {
      kib += std::stol(line.substr(4));
    }
  }
  return kib;
}

int FindLibm(dl_phdr_info* info, size_t, void* out) {
  std::string name = info->dlpi_name;
  if (name.find("/libm.so") == std::string::npos) return 0;
  *static_cast<std::string*>(out) = name;
  return 1;
}

// A private copy of libm, loaded from a path no other process maps, so the
// kernel may page all of it out (it leaves pages that others map, such as
// this test binary's when ctest runs its cases side by side).
TEST(ReleaseProgramPagesTest, GivesBackTheReadOnlyPagesOfLoadedObjects) {
  std::string libm;
  dl_iterate_phdr(FindLibm, &libm);
  ASSERT_FALSE(libm.empty());
  std::string copy = (std::filesystem::temp_directory_path() /
                      ("gpulet-pages-" + std::to_string(getpid()) + ".so"))
                         .string();
  std::filesystem::copy_file(libm, copy, std::filesystem::copy_options::overwrite_existing);
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  // The loader touched its headers and relocations; a call touches code.
  auto cosine = reinterpret_cast<double (*)(double)>(dlsym(handle, "cos"));
  ASSERT_NE(cosine, nullptr);
  EXPECT_DOUBLE_EQ(cosine(0.0), 1.0);
  long before = ResidentKib(copy);
  ASSERT_GT(before, 0);

  ReleaseProgramPages();
  long after = ResidentKib(copy);
  EXPECT_LT(after, before) << copy << ": " << before << " KiB -> " << after << " KiB";
  // Code paged out is faulted back in when it runs again.
  EXPECT_DOUBLE_EQ(cosine(0.0), 1.0);
  dlclose(handle);
  std::filesystem::remove(copy);
}

}  // namespace
}  // namespace gpulet
