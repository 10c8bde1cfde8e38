// gpulet doctor on the mock machines: the real inventory, config, resource,
// plugin, label and CDI code over the mock libnvidia-ml.so.1 and a fixture
// host tree, with kubelet sockets and runtime configs written into it.
#include "doctor/doctor.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resources/testing/mock_node.h"

namespace gpulet::doctor {
namespace {

using ::gpulet::testing::MockNode;
using ::testing::HasSubstr;

constexpr char kKubeletSocket[] = "/var/lib/kubelet/device-plugins/kubelet.sock";

// A unix socket listening at `path` until destroyed.
class Listener {
 public:
  explicit Listener(const std::string& path) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << path;
    EXPECT_EQ(listen(fd_, 4), 0);
  }
  ~Listener() { close(fd_); }

 private:
  int fd_ = -1;
};

class DoctorMockTest : public ::testing::Test {
 protected:
  void Open(const std::string& machine, const std::string& driver_version = "550.54.15") {
    ASSERT_OK_AND_ASSIGN(node_, MockNode::Open(machine));
    for (const char* lib : {"libcuda.so.", "libnvidia-ml.so.", "libnvidia-ptxjitcompiler.so."}) {
      Write(std::string("/usr/lib/x86_64-linux-gnu/") + lib + driver_version, "");
    }
    options_.flags.node.nvml_library = GPULET_MOCK_NVML_PATH;
    ASSERT_OK_AND_ASSIGN(options_.host, hostfs::HostView::AtPrefix(node_->tree().prefix()));
    options_.kubelet_socket = kKubeletSocket;
  }

  // Writes `text` at host path `path` in the node's tree.
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::path file = node_->tree().PathOf(path);
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

  DoctorReport Run() {
    options_.env = &env_;
    return Diagnose(options_);
  }

  // Every finding of `section` as "<mark> <text>", one per line.
  static std::string Lines(const DoctorReport& report, const std::string& section) {
    const Section* s = report.Find(section);
    if (s == nullptr) return "(no section " + section + ")";
    std::string out;
    for (const Finding& f : s->findings) {
      out += std::string(MarkSymbol(f.mark)) + " " + f.text + (f.fix.empty() ? "" : " | fix: " + f.fix) + "\n";
    }
    return out;
  }

  // The mock keeps a lost GPU lost across NVML sessions: bring it back
  // (the mock reads the control file at its next call) for the next test.
  void Lose(int gpu) {
    node_->Control("lost " + std::to_string(gpu));
    lost_.push_back(gpu);
  }
  void TearDown() override {
    for (int gpu : lost_) node_->Control("restore " + std::to_string(gpu));
    if (!lost_.empty()) {
      EXPECT_OK(node_->nvml()->DeviceCount());
    }
  }

  std::vector<int> lost_;
  Environment env_ = Environment::FromMap({});
  DoctorOptions options_;
  std::unique_ptr<MockNode> node_;
};

TEST_F(DoctorMockTest, HealthyDgxH100CanServe) {
  Open("dgx-h100");
  DoctorReport report = Run();
  EXPECT_TRUE(report.CanServeGpus()) << RenderReportText(report);
  EXPECT_EQ(report.Count(Mark::kProblem), 0) << RenderReportText(report);
  EXPECT_THAT(Lines(report, "driver"), HasSubstr("✓ driver 550.54.15, NVML 12.550.54.15, CUDA 12.4"));
  EXPECT_THAT(Lines(report, "driver"),
              HasSubstr(std::string("✓ libnvidia-ml.so.1 loaded from ") + GPULET_MOCK_NVML_PATH));
  EXPECT_THAT(Lines(report, "gpus"), HasSubstr("✓ GPU 7 (NVIDIA H100 80GB HBM3"));
  EXPECT_THAT(Lines(report, "resources"), HasSubstr("✓ nvidia.com/gpu: 8 devices, all healthy"));
  EXPECT_THAT(Lines(report, "labels"), HasSubstr("labels would be published"));
  EXPECT_THAT(Lines(report, "cdi"), HasSubstr("✓ nvidia.com/gpu spec for this node: 17 devices"));
  EXPECT_THAT(Lines(report, "kubelet"), HasSubstr("! no kubelet device-plugin directory"));
  nlohmann::ordered_json json = ReportToJson(report);
  EXPECT_EQ(json["can_serve_gpus"], true);
  EXPECT_EQ(json["gpus"]["count"], 8);
  EXPECT_EQ(json["resources"]["resources"][0]["name"], "nvidia.com/gpu");
  EXPECT_EQ(json["labels"]["labels"]["nvidia.com/gpu.count"], "8");
  EXPECT_EQ(json.begin().key(), "can_serve_gpus");
}

TEST_F(DoctorMockTest, LostGpuIsShownWithWhatItCostsAndTheFix) {
  Open("dgx-h100");
  Lose(3);
  DoctorReport report = Run();
  // Seven GPUs still serve: a problem, but the node can serve GPUs.
  EXPECT_TRUE(report.CanServeGpus()) << RenderReportText(report);
  EXPECT_THAT(Lines(report, "gpus"), HasSubstr("✗ GPU 3: lost: "));
  EXPECT_THAT(Lines(report, "gpus"), HasSubstr("Xid 79"));
  EXPECT_THAT(Lines(report, "gpus"), HasSubstr("nvidia-smi -r -i 3"));
  EXPECT_THAT(Lines(report, "resources"),
              HasSubstr("✗ 7 of 8 GPUs would be advertised; GPU 3 is lost"));
  nlohmann::ordered_json json = ReportToJson(report);
  EXPECT_EQ(json["gpus"]["gpus"][3]["health"], "lost");
  EXPECT_EQ(json["resources"]["resources"][0]["healthy"], 7);
  EXPECT_EQ(json["resources"]["resources"][0]["devices"], 7);
}

TEST_F(DoctorMockTest, EveryGpuLostCannotServe) {
  Open("t4", "535.161.08");
  Lose(0);
  DoctorReport report = Run();
  EXPECT_FALSE(report.CanServeGpus());
  EXPECT_EQ(report.ExitCode(), 1);
  EXPECT_THAT(Lines(report, "resources"), HasSubstr("0 of 1 GPUs would be advertised"));
}

TEST_F(DoctorMockTest, NoDriverCannotServe) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "none", 1), 0);
  ASSERT_EQ(unsetenv("GPULET_MOCK_CONTROL"), 0);
  hostfs::testing::FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(options_.host, hostfs::HostView::AtPrefix(tree.prefix()));
  options_.flags.node.nvml_library = GPULET_MOCK_NVML_PATH;
  DoctorReport report = Run();
  EXPECT_FALSE(report.CanServeGpus());
  EXPECT_THAT(Lines(report, "driver"), HasSubstr("✗ no NVIDIA kernel driver"));
  EXPECT_THAT(Lines(report, "driver"), HasSubstr("✗ NVML not usable: "));
  EXPECT_EQ(report.Find("gpus"), nullptr);
  // The sections that need no GPU still run.
  EXPECT_NE(report.Find("kubelet"), nullptr);
  EXPECT_NE(report.Find("runtime"), nullptr);
}

TEST_F(DoctorMockTest, NoLibraryCannotServe) {
  hostfs::testing::FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(options_.host, hostfs::HostView::AtPrefix(tree.prefix()));
  options_.flags.node.nvml_library = tree.prefix() + "/missing/libnvidia-ml.so.1";
  DoctorReport report = Run();
  EXPECT_FALSE(report.CanServeGpus());
  EXPECT_THAT(Lines(report, "driver"), HasSubstr("cannot load NVML library"));
}

TEST_F(DoctorMockTest, MigMixedOnA100) {
  Open("dgx-a100-mig");
  options_.flags.mig_strategy = "mixed";
  DoctorReport report = Run();
  EXPECT_TRUE(report.CanServeGpus()) << RenderReportText(report);
  std::string resources = Lines(report, "resources");
  EXPECT_THAT(resources, HasSubstr("✓ nvidia.com/gpu: 2 devices, all healthy"));
  EXPECT_THAT(resources, HasSubstr("✓ nvidia.com/mig-1g.5gb: 8 devices on GPUs 2,3"));
  EXPECT_THAT(resources, HasSubstr("✓ nvidia.com/mig-3g.20gb: 3 devices on GPUs 3,4"));
  std::string gpus = Lines(report, "gpus");
  EXPECT_THAT(gpus, HasSubstr("! GPU 1: MIG enable pending"));
  EXPECT_THAT(gpus, HasSubstr("! GPU 5: MIG enabled but no MIG devices"));
  EXPECT_EQ(ReportToJson(report)["labels"]["labels"]["nvidia.com/mig.strategy"], "mixed");
}

TEST_F(DoctorMockTest, MigSingleOnAMixedLayoutCannotServe) {
  Open("dgx-a100-mig");
  options_.flags.mig_strategy = "single";
  DoctorReport report = Run();
  EXPECT_FALSE(report.CanServeGpus());
  EXPECT_THAT(Lines(report, "resources"),
              HasSubstr("✗ the device plugin cannot build its resources: migStrategy single"));
}

TEST_F(DoctorMockTest, BadConfigFileIsNamed) {
  Open("dgx-h100");
  std::string path = node_->tree().PathOf("/etc/gpulet/config.yaml");
  Write("/etc/gpulet/config.yaml", "version: v1\nflags:\n  migStrategy: sometimes\n");
  options_.flags.config_file = path;
  DoctorReport report = Run();
  EXPECT_FALSE(report.CanServeGpus());
  EXPECT_THAT(Lines(report, "config"), HasSubstr("✗ the device plugin refuses the config: "));
  EXPECT_THAT(Lines(report, "config"), HasSubstr(path));
  // The driver and GPUs are still examined.
  EXPECT_THAT(Lines(report, "gpus"), HasSubstr("✓ GPU 0"));
}

TEST_F(DoctorMockTest, TimeSlicingReplicasAreShown) {
  Open("dgx-h100");
  Write("/etc/gpulet/config.yaml",
        "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
        "    - name: nvidia.com/gpu\n      replicas: 4\n");
  options_.flags.config_file = node_->tree().PathOf("/etc/gpulet/config.yaml");
  DoctorReport report = Run();
  EXPECT_THAT(Lines(report, "resources"),
              HasSubstr("✓ nvidia.com/gpu: 32 devices: 8 GPUs x 4 time-slicing replicas"));
}

TEST_F(DoctorMockTest, AllocationComesFromThePluginBackend) {
  Open("dgx-h100");
  options_.allocate = AllocationRequest{2, ""};
  DoctorReport report = Run();
  nlohmann::ordered_json json = ReportToJson(report);
  ASSERT_EQ(json["allocation"]["resource"], "nvidia.com/gpu") << json.dump(2);
  ASSERT_EQ(json["allocation"]["device_ids"].size(), 2u);
  std::string visible = json["allocation"]["response"]["envs"]["NVIDIA_VISIBLE_DEVICES"];
  EXPECT_EQ(visible, json["allocation"]["device_ids"][0].get<std::string>() + "," +
                         json["allocation"]["device_ids"][1].get<std::string>());
  EXPECT_THAT(Lines(report, "allocation"), HasSubstr("✓ a container asking for 2 nvidia.com/gpu gets GPU-"));
}

TEST_F(DoctorMockTest, AllocationWithCdiCriNamesCdiDevices) {
  Open("dgx-h100");
  options_.flags.device_list_strategy = std::vector<std::string>{"cdi-cri"};
  options_.allocate = AllocationRequest{1, ""};
  DoctorReport report = Run();
  nlohmann::ordered_json json = ReportToJson(report);
  ASSERT_EQ(json["allocation"]["response"]["cdi_devices"].size(), 1u) << json.dump(2);
  EXPECT_THAT(json["allocation"]["response"]["cdi_devices"][0]["name"].get<std::string>(),
              HasSubstr("k8s.device-plugin.nvidia.com/gpu=GPU-"));
  // No plugin spec on disk yet, and no runtime config to resolve it.
  EXPECT_THAT(Lines(report, "cdi"), HasSubstr("! no plugin spec"));
}

TEST_F(DoctorMockTest, AllocationOfTooManyIsAProblem) {
  Open("t4", "535.161.08");
  options_.allocate = AllocationRequest{2, ""};
  DoctorReport report = Run();
  EXPECT_THAT(Lines(report, "allocation"), HasSubstr("✗ a container asking for 2 nvidia.com/gpu would fail"));
}

TEST_F(DoctorMockTest, KubeletAndPluginSockets) {
  Open("dgx-h100");
  std::string dir = "/var/lib/kubelet/device-plugins/";
  Write(dir + "README", "");
  {
    DoctorReport report = Run();
    EXPECT_FALSE(report.CanServeGpus());
    EXPECT_THAT(Lines(report, "kubelet"), HasSubstr("✗ the kubelet's device-plugin socket is not usable"));
  }
  Listener kubelet(node_->tree().PathOf(kKubeletSocket));
  {
    DoctorReport report = Run();
    EXPECT_FALSE(report.CanServeGpus());
    EXPECT_THAT(Lines(report, "kubelet"), HasSubstr("✓ the kubelet listens on"));
    EXPECT_THAT(Lines(report, "kubelet"),
                HasSubstr("✗ nvidia.com/gpu: no device plugin serving"));
  }
  Listener plugin(node_->tree().PathOf(dir + "nvidia-gpu.sock"));
  DoctorReport report = Run();
  EXPECT_TRUE(report.CanServeGpus()) << RenderReportText(report);
  EXPECT_THAT(Lines(report, "kubelet"), HasSubstr("✓ nvidia.com/gpu: a device plugin serves"));
}

TEST_F(DoctorMockTest, ContainerdWithAndWithoutCdi) {
  Open("dgx-h100");
  options_.flags.device_list_strategy = std::vector<std::string>{"cdi-cri"};
  Write("/etc/containerd/config.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  enable_cdi = false\n");
  DoctorReport off = Run();
  EXPECT_FALSE(off.CanServeGpus());
  EXPECT_THAT(Lines(off, "runtime"), HasSubstr("✗ containerd has CDI off"));
  EXPECT_THAT(Lines(off, "runtime"), HasSubstr("enable_cdi = true"));

  Write("/etc/containerd/config.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  enable_cdi = true\n"
        "  cdi_spec_dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n");
  DoctorReport on = Run();
  EXPECT_THAT(Lines(on, "runtime"), HasSubstr("✓ containerd resolves CDI devices from /etc/cdi, /var/run/cdi"));
  EXPECT_EQ(ReportToJson(on)["runtime"]["containerd_cdi"], "on");

  // Version 3 (containerd 2.x) enables CDI by default; an import turns it off.
  Write("/etc/containerd/config.toml", "version = 3\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n");
  EXPECT_THAT(Lines(Run(), "runtime"), HasSubstr("✓ containerd resolves CDI devices"));
  Write("/etc/containerd/conf.d/99-off.toml",
        "[plugins.'io.containerd.cri.v1.runtime']\nenable_cdi = false\n");
  EXPECT_THAT(Lines(Run(), "runtime"), HasSubstr("✗ containerd has CDI off"));
}

TEST_F(DoctorMockTest, EnvvarStrategyLooksForTheNvidiaRuntime) {
  Open("dgx-h100");
  Write("/etc/containerd/config.toml", "version = 2\n");
  std::string lines = Lines(Run(), "runtime");
  EXPECT_THAT(lines, HasSubstr("· containerd: CDI unknown"));
  EXPECT_THAT(lines, HasSubstr("! containerd: no nvidia runtime configured"));
  Write("/etc/containerd/config.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
        "default_runtime_name = \"nvidia\"\n");
  EXPECT_THAT(Lines(Run(), "runtime"), HasSubstr("✓ containerd: the default runtime is nvidia"));
}

TEST_F(DoctorMockTest, MalformedRuntimeConfigsAreNamed) {
  Open("dgx-h100");
  Write("/etc/containerd/config.toml", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"\n");
  Write("/etc/crio/crio.conf", "[crio.runtime]\n");
  Write("/etc/crio/crio.conf.d/10-bad.conf", "[crio.runtime]\ncdi_spec_dirs = [\"/etc/cdi\"\n");
  DoctorReport report = Run();
  std::string lines = Lines(report, "runtime");
  EXPECT_THAT(lines, HasSubstr("✗ containerd config unreadable: /etc/containerd/config.toml: line 2"));
  EXPECT_THAT(lines, HasSubstr("✗ CRI-O config unreadable: /etc/crio/crio.conf.d/10-bad.conf"));
  EXPECT_TRUE(report.CanServeGpus());
}

TEST_F(DoctorMockTest, CrioDropInsOverrideItsSpecDirs) {
  Open("dgx-h100");
  options_.flags.device_list_strategy = std::vector<std::string>{"cdi-annotations"};
  Write("/etc/crio/crio.conf", "[crio.runtime]\ncdi_spec_dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n");
  Write("/etc/crio/crio.conf.d/20-cdi.conf", "[crio.runtime]\ncdi_spec_dirs = [\"/etc/cdi\"]\n");
  DoctorReport report = Run();
  EXPECT_THAT(Lines(report, "runtime"),
              HasSubstr("✗ CRI-O reads CDI specs from /etc/cdi, not from /var/run/cdi"));
  EXPECT_FALSE(report.CanServeGpus());
}

TEST_F(DoctorMockTest, NfdLabelFileCurrentOrStale) {
  Open("dgx-h100");
  std::string file = "/etc/kubernetes/node-feature-discovery/features.d/gfd";
  Write("/etc/kubernetes/node-feature-discovery/features.d/.keep", "");
  EXPECT_THAT(Lines(Run(), "nfd"), HasSubstr("! no label file " + file));
  nlohmann::ordered_json labels = ReportToJson(Run())["labels"]["labels"];
  std::string text;
  for (const auto& [key, value] : labels.items()) {
    text += key + "=" + (key == "nvidia.com/gpu.count" ? std::string("7") : value.get<std::string>()) + "\n";
  }
  Write(file, text);
  DoctorReport stale = Run();
  EXPECT_THAT(Lines(stale, "nfd"), HasSubstr("! " + file + " is stale: 1 labels differ"));
  EXPECT_THAT(stale.Find("nfd")->findings.back().details,
              ::testing::ElementsAre("nvidia.com/gpu.count: 7 on file, 8 now"));
  Write(file, "bad key=1\n");
  EXPECT_THAT(Lines(Run(), "nfd"), HasSubstr("nfd-worker would drop it"));
}

}  // namespace
}  // namespace gpulet::doctor
