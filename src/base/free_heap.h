// ReleaseFreeHeap: hands the kernel back the whole pages that malloc holds
// free.
//
// The agent allocates in bursts (a rescan, a kubelet restart, a config
// switch, a burst of watch events) from many short-lived threads, each of
// which glibc may give an arena of its own; what a burst frees stays
// resident in its arena, which glibc trims only at its top and only past a
// threshold. Over a long run the resident set creeps up while the live
// heap does not (the node soak: some 2 KiB a second over a live heap of
// 1.5 MiB). malloc_trim(0) returns every whole free page of every arena;
// what is in use is not touched.
//
// Thread-safe (malloc locks each arena in turn). Costs a walk of the free
// lists, well under a millisecond for the agent's heap. A no-op without
// glibc.
#ifndef GPULET_BASE_FREE_HEAP_H_
#define GPULET_BASE_FREE_HEAP_H_

namespace gpulet {

void ReleaseFreeHeap();

}  // namespace gpulet

#endif  // GPULET_BASE_FREE_HEAP_H_
