// Spec generation on a fixture node with 8 GPUs (Debian multiarch layout,
// one GPU in MIG mode): the whole GenerateSpec call, including every
// filesystem lookup, and the YAML rendering. Budget: <= 20 ms.
//
//   build/bench/cdi/cdi_bench --benchmark_min_time=2
#include "benchmark/benchmark.h"
#include "cdi/spec_format.h"
#include "cdi/spec_generator.h"
#include "cdi/testing/driver_layouts.h"
#include "hostfs/host_fs.h"

namespace gpulet::cdi {
namespace {

void BM_GenerateEightGpus(benchmark::State& state) {
  hostfs::testing::FixtureTree tree;
  auto gpus = testing::FixtureGpus(8);
  hostfs::DriverRoots roots = testing::BuildDriverLayout(
      tree, static_cast<testing::DriverLayout>(state.range(0)), gpus, /*mig_gpu=*/7);
  hostfs::HostFs host =
      *hostfs::HostFs::Open(*hostfs::HostView::AtPrefix(tree.prefix()), roots);
  inventory::Inventory inventory = testing::FixtureInventory(gpus, 7);
  GenerateOptions options;
  for (auto _ : state) {
    absl::StatusOr<GeneratedSpec> spec = GenerateSpec(host, &inventory, options);
    if (!spec.ok()) state.SkipWithError(spec.status().ToString().c_str());
    benchmark::DoNotOptimize(FormatSpec(spec->spec, SpecFormat::kYaml));
  }
  state.SetLabel(testing::DriverLayoutName(static_cast<testing::DriverLayout>(state.range(0))));
}
BENCHMARK(BM_GenerateEightGpus)
    ->DenseRange(0, 5)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gpulet::cdi

BENCHMARK_MAIN();
