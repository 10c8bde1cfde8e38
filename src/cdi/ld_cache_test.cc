#include "cdi/ld_cache.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "base/status_matchers.h"
#include "cdi/library_locator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::cdi {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Caches written by the real ldconfig (scripts/cdi-make-ldcache-testdata.sh).
std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(GPULET_CDI_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> Names(const LdCache& cache) {
  std::vector<std::string> names;
  for (const LdCacheEntry& entry : cache.entries()) {
    names.push_back(entry.name + "=" + entry.path);
    EXPECT_TRUE(entry.Is64Bit()) << entry.name;
  }
  std::sort(names.begin(), names.end());
  return names;
}

const std::vector<std::string> kExpected = {
    "libcuda.so.1=/usr/lib/x86_64-linux-gnu/libcuda.so.1",
    "libnvidia-ml.so.1=/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
    "libnvidia-opencl.so.1=/var/lib/nvidia/lib64/libnvidia-opencl.so.1",
    "libnvidia-ptxjitcompiler.so.1=/var/lib/nvidia/lib64/libnvidia-ptxjitcompiler.so.1"};

TEST(LdCacheTest, ParsesNewFormatFromLdconfig) {
  ASSERT_OK_AND_ASSIGN(LdCache cache, ParseLdCache(Testdata("ld.so.cache")));
  EXPECT_EQ(Names(cache), kExpected);
}

TEST(LdCacheTest, ParsesOldHeaderFollowedByNewFormat) {
  std::string bytes = Testdata("ld.so.cache.compat");
  ASSERT_EQ(bytes.substr(0, 11), "ld.so-1.7.0");
  ASSERT_OK_AND_ASSIGN(LdCache cache, ParseLdCache(bytes));
  EXPECT_EQ(Names(cache), kExpected);
}

// A truncated cache is an error, or, when only the trailing extension was
// cut, the same entries; never a read past the end.
TEST(LdCacheTest, TruncationIsAnErrorOrHarmless) {
  for (const char* file : {"ld.so.cache", "ld.so.cache.compat"}) {
    std::string bytes = Testdata(file);
    for (size_t size = 0; size < bytes.size(); ++size) {
      // A copy of exactly `size` bytes so that ASan sees any overread.
      std::unique_ptr<char[]> copy(new char[size + 1]);
      std::memcpy(copy.get(), bytes.data(), size);
      absl::StatusOr<LdCache> cache = ParseLdCache(std::string_view(copy.get(), size));
      if (cache.ok()) {
        EXPECT_EQ(Names(*cache), kExpected) << file << " " << size;
      } else {
        EXPECT_THAT(cache, StatusIs(absl::StatusCode::kInvalidArgument)) << file << " " << size;
      }
    }
  }
}

// Flipping any byte never crashes or reads outside the buffer.
TEST(LdCacheTest, CorruptedBytesNeverCrash) {
  std::string bytes = Testdata("ld.so.cache");
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char value : {0x00, 0x7f, 0xff}) {
      std::string corrupt = bytes;
      corrupt[i] = static_cast<char>(value);
      std::unique_ptr<char[]> copy(new char[corrupt.size()]);
      std::memcpy(copy.get(), corrupt.data(), corrupt.size());
      (void)ParseLdCache(std::string_view(copy.get(), corrupt.size()));
    }
  }
}

std::string Patched(std::string bytes, size_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(value));
  return bytes;
}

TEST(LdCacheTest, MalformedInputs) {
  const std::string good = Testdata("ld.so.cache");
  struct Case {
    std::string name;
    std::string bytes;
    std::string message;
  };
  std::string no_nul = Patched(good, 48 + 4, static_cast<uint32_t>(good.size() - 1));
  no_nul.back() = 'x';
  const std::vector<Case> cases = {
      {"empty", "", "neither"},
      {"wrong magic", "ELF" + good.substr(3), "neither"},
      {"bad version", Patched(good, 17, 0x00392e39), "unsupported format version"},
      {"huge count", Patched(good, 20, 0x10000000), "runs past the end"},
      {"key offset past end", Patched(good, 48 + 4, 0xfffffff0), "past the end of the file"},
      {"value offset past end", Patched(good, 48 + 8, static_cast<uint32_t>(good.size())),
       "past the end of the file"},
      {"string without NUL", no_nul, "not NUL-terminated"},
      {"old header only", std::string("ld.so-1.7.0\0\x01\0\0\0", 16), "without the new-format part"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseLdCache(c.bytes),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(LdCacheTest, LocatorFindsLibrariesOnlyTheCacheKnows) {
  hostfs::testing::FixtureTree tree;
  tree.AddFile("/etc/ld.so.cache", Testdata("ld.so.cache"));
  for (const char* name : {"libnvidia-ptxjitcompiler", "libnvidia-opencl"}) {
    std::string file = std::string(name) + ".so.570.86.15";
    tree.AddFile("/var/lib/nvidia/lib64/" + file, "\x7f" "ELF");
    tree.AddSymlink("/var/lib/nvidia/lib64/" + std::string(name) + ".so.1", file);
  }
  tree.AddFile("/usr/lib/x86_64-linux-gnu/libcuda.so.570.86.15", "\x7f" "ELF");
  tree.AddSymlink("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "libcuda.so.570.86.15");
  hostfs::HostView view = *hostfs::HostView::AtPrefix(tree.prefix());
  LibraryLocator locator(view, hostfs::DriverRoots::Standard(), {});
  EXPECT_THAT(locator.Locate("lib*.so.570.86.15"),
              ElementsAre("/usr/lib/x86_64-linux-gnu/libcuda.so.570.86.15",
                          "/var/lib/nvidia/lib64/libnvidia-ptxjitcompiler.so.570.86.15",
                          "/var/lib/nvidia/lib64/libnvidia-opencl.so.570.86.15"));
  LibraryLocator only_given(view, hostfs::DriverRoots::Standard(), {"/var/lib/nvidia/lib64"});
  EXPECT_THAT(only_given.Locate("libcuda.so.*"), ::testing::IsEmpty());
}

TEST(LdCacheTest, ReadLdCacheNamesTheFile) {
  hostfs::testing::FixtureTree tree;
  tree.AddFile("/run/nvidia/driver/etc/ld.so.cache", "garbage");
  hostfs::HostView view = *hostfs::HostView::AtPrefix(tree.prefix());
  EXPECT_THAT(ReadLdCache(view, hostfs::DriverRoots::GpuOperator()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/run/nvidia/driver/etc/ld.so.cache")));
  EXPECT_THAT(ReadLdCache(view, hostfs::DriverRoots::Standard()),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace gpulet::cdi
