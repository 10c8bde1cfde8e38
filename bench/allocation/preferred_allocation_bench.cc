// GetPreferredAllocation for whole GPUs on a 16-GPU node: the exhaustive
// best-set search must stay well under kubelet's 1 ms budget at p99.
//
// Topology: two 8-GPU NVSwitch islands (one per socket), GPUs in pairs
// behind PCIe switches, so every size has many equally good sets and the
// search cannot stop early.
#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "allocation/preferred_allocator.h"
#include "benchmark/benchmark.h"

namespace gpulet::allocation {
namespace {

constexpr int kGpus = 16;

Topology SixteenGpus() {
  Topology t(kGpus);
  for (int a = 0; a < kGpus; ++a) {
    for (int b = a + 1; b < kGpus; ++b) {
      bool same_socket = a / 8 == b / 8;
      t.SetPcie(a, b, a / 2 == b / 2 ? nvml::TopologyLevel::kSingle
                      : same_socket  ? nvml::TopologyLevel::kNode
                                     : nvml::TopologyLevel::kSystem);
      if (same_socket) t.SetNvLinks(a, b, 18);
    }
  }
  return t;
}

std::shared_ptr<const resources::ResourceSet> Gpus() {
  std::vector<resources::Device> devices;
  for (int g = 0; g < kGpus; ++g) {
    resources::Device d;
    d.id = resources::DeviceId("GPU-" + std::to_string(g));
    d.index = std::to_string(g);
    d.gpu_index = g;
    d.gpu_uuid = d.id.uuid();
    devices.push_back(d);
  }
  return std::make_shared<const resources::ResourceSet>(
      resources::ResourceName::Gpu(), devices, resources::SharingStrategy::kNone,
      false);
}

// Arg 0: allocation size; arg 1: number of must-include devices.
void BM_PreferredAllocation16Gpus(benchmark::State& state) {
  PreferredAllocator allocator(Gpus(), SixteenGpus(),
                               SharedAllocationPolicy::kDistributed);
  std::vector<std::string> available, must_include;
  for (int g = 0; g < kGpus; ++g) available.push_back("GPU-" + std::to_string(g));
  for (int g = 0; g < state.range(1); ++g) must_include.push_back(available[g * 5]);
  const int size = static_cast<int>(state.range(0));
  std::vector<double> micros;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto ids = allocator.Preferred(available, must_include, size);
    micros.push_back(std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - start).count());
    benchmark::DoNotOptimize(ids);
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["max_us"] = micros.back();
}
BENCHMARK(BM_PreferredAllocation16Gpus)
    ->Args({1, 0})->Args({2, 0})->Args({4, 0})->Args({4, 1})->Args({6, 0})
    ->Args({8, 0})->Args({8, 2})->Args({12, 0})->Args({16, 0})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gpulet::allocation

BENCHMARK_MAIN();
