#include "checkpoint/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace gpulet::checkpoint {

void ParallelFor(size_t count, int parallelism, const std::function<void(size_t)>& fn) {
  size_t threads = std::min(count, static_cast<size_t>(std::max(parallelism, 1)));
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) fn(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace gpulet::checkpoint
