#include "base/free_heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace gpulet {

void ReleaseFreeHeap() {
#if defined(__GLIBC__)
  (void)malloc_trim(0);
#endif
}

}  // namespace gpulet
