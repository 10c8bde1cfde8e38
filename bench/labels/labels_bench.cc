// One feature discovery pass on the DGX H100 mock (8 GPUs): labels from a
// built inventory, and the whole pass an interval of `gpulet
// feature-discovery` does (NVML snapshot, labels, features.d text).
//
//   build/bench/labels/labels_bench
#include <stdlib.h>

#include <memory>

#include "benchmark/benchmark.h"
#include "config/config.h"
#include "hostfs/host_fs.h"
#include "hostfs/pci_bus_id.h"
#include "hostfs/testing/fixture_tree.h"
#include "inventory/inventory_builder.h"
#include "labels/gfd_labeler.h"
#include "labels/label_file.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_library.h"

namespace gpulet::labels {
namespace {

struct Fixture {
  hostfs::testing::FixtureTree tree;
  std::optional<hostfs::HostFs> host;
  std::shared_ptr<const nvml::NvmlLibrary> library;
  std::shared_ptr<const Config> config = std::make_shared<const Config>();

  Fixture() {
    setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1);
    mock::MachineProfile profile = mock::LoadMachineProfile("dgx-h100").value();
    tree.AddControlNodes("/");
    for (const mock::GpuProfile& gpu : profile.gpus) {
      std::string id = hostfs::PciBusId::Parse(gpu.pci.bus_id)->ToSysfsString();
      tree.AddGpu("/", static_cast<int>(gpu.minor), id, -1);
      tree.AddFile("/sys/bus/pci/devices/" + id + "/class", "0x030200\n");
    }
    tree.AddFile("/sys/class/dmi/id/product_name", "DGX H100\n");
    hostfs::HostView view = hostfs::HostView::AtPrefix(tree.prefix()).value();
    host.emplace(hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()).value());
    library = nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH).value();
  }
};

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_LabelsFromInventory(benchmark::State& state) {
  Fixture& f = GetFixture();
  auto inventory = inventory::BuildInventory(f.library, *f.host).value();
  auto labeler = NewGfdLabeler({inventory, f.config, f.host->view(),
                                std::chrono::system_clock::now()});
  for (auto _ : state) {
    LabelMap labels = labeler->Labels().value();
    benchmark::DoNotOptimize(labels);
  }
}
BENCHMARK(BM_LabelsFromInventory)->Unit(benchmark::kMicrosecond);

void BM_FullPass(benchmark::State& state) {
  Fixture& f = GetFixture();
  auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    auto inventory = inventory::BuildInventory(f.library, *f.host).value();
    LabelMap labels =
        NewGfdLabeler({inventory, f.config, f.host->view(), now})->Labels().value();
    std::string text = RenderLabelFile(labels, now);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_FullPass)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gpulet::labels

BENCHMARK_MAIN();
