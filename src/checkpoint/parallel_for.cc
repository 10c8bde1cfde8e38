#include "checkpoint/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
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
  // The first exception of any index, thrown again on the calling thread
  // once every thread is joined: one escaping a thread would terminate the
  // process, and with it CRIU while it holds tasks locked.
  std::mutex failure_mu;
  std::exception_ptr failure;
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mu);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no more threads (a pids limit): the started ones and this one do it all
    }
  }
  worker();
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace gpulet::checkpoint
