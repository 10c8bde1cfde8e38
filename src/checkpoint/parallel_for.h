// ParallelFor: runs fn(0) … fn(count-1) on up to `parallelism` threads and
// returns when all are done. The cuda-checkpoint calls of many processes
// overlap, so a phase takes about as long as its slowest process.
//
// Each index runs exactly once; fn must be safe to call concurrently for
// different indexes. Threads are started per call and joined before it
// returns (no pool outlives it); when no thread can be started, fewer do
// the work. An exception from fn is thrown again once all have finished.
// Standard library only.
#ifndef GPULET_CHECKPOINT_PARALLEL_FOR_H_
#define GPULET_CHECKPOINT_PARALLEL_FOR_H_

#include <cstddef>
#include <functional>

namespace gpulet::checkpoint {

void ParallelFor(size_t count, int parallelism, const std::function<void(size_t)>& fn);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PARALLEL_FOR_H_
