#include "base/program_pages.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string_view>

namespace gpulet {
namespace {

// Every loaded object: the program, libc, NVML; not the vDSO.
int PageOutObject(dl_phdr_info* info, size_t, void*) {
  if (std::string_view(info->dlpi_name).starts_with("linux-vdso")) return 0;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W) != 0) continue;
    const uintptr_t first = info->dlpi_addr + segment.p_vaddr;
    const uintptr_t start = first & ~(page - 1);
    const uintptr_t end = (first + segment.p_memsz + page - 1) & ~(page - 1);
    (void)madvise(reinterpret_cast<void*>(start), end - start, MADV_PAGEOUT);
    (void)madvise(reinterpret_cast<void*>(start), end - start, MADV_RANDOM);
  }
  return 0;
}

}  // namespace

void ReleaseProgramPages() { dl_iterate_phdr(PageOutObject, nullptr); }

}  // namespace gpulet
