#include "config/config_file.h"

#include <chrono>
#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kFullYaml[] = R"(version: v1
flags:
  migStrategy: mixed
  failOnInitError: false
  mpsRoot: /run/nvidia/mps
  nvidiaDriverRoot: /run/nvidia/driver
  nvidiaDevRoot: /
  gdsEnabled: true
  mofedEnabled: false
  gdrcopyEnabled: true
  useNodeFeatureAPI: false
  deviceDiscoveryStrategy: nvml
  plugin:
    passDeviceSpecs: true
    deviceListStrategy: [envvar, cdi-cri]
    deviceIDStrategy: index
    cdiAnnotationPrefix: cdi.example.com/
    nvidiaCTKPath: /usr/local/bin/nvidia-ctk
    containerDriverRoot: /driver-root
    sharedDevicesAllocationPolicy: packed
  gfd:
    oneshot: true
    noTimestamp: true
    sleepInterval: 5m
    outputFile: /tmp/gfd
    machineTypeFile: /tmp/product_name
resources:
  gpus:
  - pattern: "*"
    name: gpu
sharing:
  timeSlicing:
    renameByDefault: true
    failRequestsGreaterThanOne: true
    resources:
    - name: nvidia.com/gpu
      replicas: 4
    - name: mig-1g.5gb
      replicas: 2
      devices: [0, "1:0", GPU-abc]
imex:
  channelIDs: [0]
  required: true
)";

TEST(ParseConfigFileTest, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(ConfigFile file, ParseConfigFile(kFullYaml, "config.yaml"));
  const FileFlags& f = file.flags;
  EXPECT_EQ(f.mig_strategy, MigStrategy::kMixed);
  EXPECT_EQ(f.fail_on_init_error, false);
  EXPECT_EQ(f.mps_root, "/run/nvidia/mps");
  EXPECT_EQ(f.nvidia_driver_root, "/run/nvidia/driver");
  EXPECT_EQ(f.nvidia_dev_root, "/");
  EXPECT_EQ(f.gds_enabled, true);
  EXPECT_EQ(f.mofed_enabled, false);
  EXPECT_EQ(f.gdrcopy_enabled, true);
  EXPECT_EQ(f.use_node_feature_api, false);
  EXPECT_EQ(f.device_discovery_strategy, DeviceDiscoveryStrategy::kNvml);
  EXPECT_EQ(f.plugin.pass_device_specs, true);
  EXPECT_THAT(*f.plugin.device_list_strategy,
              ElementsAre(DeviceListStrategy::kEnvVar, DeviceListStrategy::kCdiCri));
  EXPECT_EQ(f.plugin.device_id_strategy, DeviceIdStrategy::kIndex);
  EXPECT_EQ(f.plugin.cdi_annotation_prefix, "cdi.example.com/");
  EXPECT_EQ(f.plugin.nvidia_ctk_path, "/usr/local/bin/nvidia-ctk");
  EXPECT_EQ(f.plugin.container_driver_root, "/driver-root");
  EXPECT_EQ(f.plugin.shared_devices_allocation_policy, AllocationPolicy::kPacked);
  EXPECT_EQ(f.gfd.oneshot, true);
  EXPECT_EQ(f.gfd.no_timestamp, true);
  EXPECT_EQ(f.gfd.sleep_interval, std::chrono::minutes(5));
  EXPECT_EQ(f.gfd.output_file, "/tmp/gfd");
  EXPECT_EQ(f.gfd.machine_type_file, "/tmp/product_name");
  ASSERT_THAT(file.gpu_resources, SizeIs(1));
  EXPECT_EQ(file.gpu_resources[0].pattern, "*");
  const ReplicatedResources& ts = file.sharing.time_slicing;
  EXPECT_TRUE(ts.rename_by_default);
  EXPECT_EQ(ts.fail_requests_greater_than_one, true);
  ASSERT_THAT(ts.resources, SizeIs(2));
  EXPECT_EQ(ts.resources[0].name, "nvidia.com/gpu");
  EXPECT_EQ(ts.resources[0].replicas, 4);
  EXPECT_TRUE(ts.resources[0].devices.all);
  EXPECT_EQ(ts.resources[1].name, "nvidia.com/mig-1g.5gb");
  EXPECT_THAT(ts.resources[1].devices.ids, ElementsAre("0", "1:0", "GPU-abc"));
  EXPECT_EQ(file.sharing.Strategy(), SharingStrategy::kTimeSlicing);
  EXPECT_THAT(file.imex.channel_ids, ElementsAre(0));
  EXPECT_TRUE(file.imex.required);
  // The ignored resource patterns are reported.
  EXPECT_THAT(file.warnings, ElementsAre(HasSubstr("config.yaml:29: resources.gpus")));
}

struct GoodCase {
  std::string name;
  std::string text;
  std::function<void(const ConfigFile&)> check;
};

TEST(ParseConfigFileTest, GoodCases) {
  const GoodCase cases[] = {
      {"empty file", "", [](const ConfigFile& f) {
         EXPECT_FALSE(f.flags.mig_strategy.has_value());
         EXPECT_EQ(f.sharing.Strategy(), SharingStrategy::kNone);
       }},
      {"version only", "version: v1\n",
       [](const ConfigFile& f) { EXPECT_THAT(f.warnings, IsEmpty()); }},
      {"empty version means v1", "version: \"\"\nflags: {migStrategy: single}",
       [](const ConfigFile& f) { EXPECT_EQ(f.flags.mig_strategy, MigStrategy::kSingle); }},
      {"json", R"({"version": "v1", "flags": {"migStrategy": "none",
                   "plugin": {"deviceListStrategy": "volume-mounts"}}})",
       [](const ConfigFile& f) {
         EXPECT_EQ(f.flags.mig_strategy, MigStrategy::kNone);
         EXPECT_THAT(*f.flags.plugin.device_list_strategy,
                     ElementsAre(DeviceListStrategy::kVolumeMounts));
       }},
      {"sleep interval in nanoseconds", "flags: {gfd: {sleepInterval: 30000000000}}",
       [](const ConfigFile& f) {
         EXPECT_EQ(f.flags.gfd.sleep_interval, std::chrono::seconds(30));
       }},
      {"infinite sleep", "flags: {gfd: {sleepInterval: infinite}}",
       [](const ConfigFile& f) { EXPECT_EQ(f.flags.gfd.sleep_interval, kSleepForever); }},
      {"null values are unset", "flags:\n  migStrategy:\n  gfd: ~\n",
       [](const ConfigFile& f) { EXPECT_FALSE(f.flags.mig_strategy.has_value()); }},
      {"yaml 1.1 bools", "flags: {failOnInitError: no}",
       [](const ConfigFile& f) { EXPECT_EQ(f.flags.fail_on_init_error, false); }},
      {"mps with count devices",
       "sharing:\n  mps:\n    resources:\n    - {name: gpu, replicas: 10, devices: 2}\n",
       [](const ConfigFile& f) {
         EXPECT_EQ(f.sharing.Strategy(), SharingStrategy::kMps);
         EXPECT_EQ(f.sharing.mps.resources[0].devices.count, 2);
         EXPECT_FALSE(f.sharing.mps.fail_requests_greater_than_one.has_value());
       }},
      {"unknown fields are warnings", "flags:\n  migStategy: mixed\nextra: 1\n",
       [](const ConfigFile& f) {
         EXPECT_THAT(f.warnings,
                     ::testing::UnorderedElementsAre(HasSubstr("t.yaml:2: flags.migStategy: unknown field"),
                                 HasSubstr("t.yaml:3: extra: unknown field")));
         EXPECT_FALSE(f.flags.mig_strategy.has_value());
       }},
      {"both sharing modes warn",
       "sharing:\n  timeSlicing: {resources: [{name: gpu, replicas: 2}]}\n"
       "  mps: {resources: [{name: gpu, replicas: 2}]}\n",
       [](const ConfigFile& f) {
         EXPECT_EQ(f.sharing.Strategy(), SharingStrategy::kMps);
         EXPECT_THAT(f.warnings, ElementsAre(HasSubstr("MPS is used")));
       }},
  };
  for (const GoodCase& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_OK_AND_ASSIGN(ConfigFile file, ParseConfigFile(c.text, "t.yaml"));
    c.check(file);
  }
}

struct BadCase {
  std::string text;
  std::string message;  // a substring of the error
};

TEST(ParseConfigFileTest, MalformedInputs) {
  const BadCase cases[] = {
      {"flags: [", "t.yaml:1: not valid YAML or JSON"},
      {"{\"flags\": {\"migStrategy\": }", "not valid YAML or JSON"},
      {"- a\n- b\n", "expected a map at the top level"},
      {"version: v2\n", "t.yaml:1: version: unknown config file version \"v2\""},
      {"flags: 3\n", "flags: expected a map, got \"3\""},
      {"flags:\n  migStrategy: both\n",
       "t.yaml:2: flags.migStrategy: unknown MIG strategy \"both\""},
      {"flags: {migStrategy: [a]}", "flags.migStrategy: expected a string, got a list"},
      {"flags: {failOnInitError: maybe}",
       "flags.failOnInitError: expected true or false, got \"maybe\""},
      {"flags: {deviceDiscoveryStrategy: cuda}", "unknown device discovery strategy \"cuda\""},
      {"flags: {plugin: {deviceListStrategy: [envvar, files]}}",
       "flags.plugin.deviceListStrategy: unknown device list strategy \"files\""},
      {"flags: {plugin: {deviceIDStrategy: serial}}", "unknown device ID strategy \"serial\""},
      {"flags: {plugin: {sharedDevicesAllocationPolicy: spread}}",
       "unknown shared devices allocation policy \"spread\""},
      {"flags:\n  gfd:\n    sleepInterval: 60x\n",
       "t.yaml:3: flags.gfd.sleepInterval: invalid duration"},
      {"flags: {gfd: {sleepInterval: 1 minute}}", "invalid duration \"1 minute\""},
      {"flags: {gfd: {sleepInterval: -5s}}", "must be positive"},
      {"flags: {gfd: {sleepInterval: 0}}", "must be positive"},
      {"flags: {gfd: {oneshot: {}}}", "flags.gfd.oneshot: expected true or false, got a map"},
      {"sharing: {timeSlicing: {resources: [{name: gpu, replicas: 1}]}}",
       "sharing.timeSlicing.resources[0].replicas: must be at least 2, got \"1\""},
      {"sharing: {mps: {resources: [{name: gpu, replicas: 0}]}}", "must be at least 2"},
      {"sharing: {timeSlicing: {resources: [{name: gpu, replicas: two}]}}",
       "expected an integer, got \"two\""},
      {"sharing: {timeSlicing: {resources: [{name: gpu}]}}", "missing replicas"},
      {"sharing: {timeSlicing: {resources: [{replicas: 2}]}}", "missing the resource name"},
      {"sharing:\n  timeSlicing:\n    resources:\n    - {name: gpu, replicas: 2}\n"
       "    - {name: nvidia.com/gpu, replicas: 3}\n",
       "t.yaml:5: sharing.timeSlicing.resources[1]: duplicate resource name "
       "\"nvidia.com/gpu\""},
      {"sharing: {timeSlicing: {resources: []}}", "no resources specified"},
      {"sharing: {timeSlicing: {renameByDefault: true}}", "no resources specified"},
      {"sharing: {timeSlicing: {resources: [{name: example.com/gpu, replicas: 2}]}}",
       "invalid resource name \"example.com/gpu\""},
      {"sharing: {timeSlicing: {resources: [{name: -gpu, replicas: 2}]}}",
       "invalid resource name \"-gpu\""},
      {"sharing: {timeSlicing: {resources: [{name: gpu, replicas: 2, devices: some}]}}",
       "expected \"all\", a positive count or a list"},
      {"imex: {channelIDs: [1]}", "imex.channelIDs: only [] or [0] is supported"},
      {"imex: {channelIDs: [0, 0]}", "only [] or [0] is supported"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ParseConfigFile(c.text, "t.yaml"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(LoadConfigFileTest, MissingFileIsNotFound) {
  EXPECT_THAT(LoadConfigFile("/nonexistent/config.yaml"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("\"/nonexistent/config.yaml\"")));
}

TEST(LoadConfigFileTest, DirectoryIsAnError) {
  EXPECT_THAT(LoadConfigFile("/"), StatusIs(absl::StatusCode::kFailedPrecondition,
                                           HasSubstr("cannot read config file \"/\"")));
}

TEST(ParseSleepIntervalTest, Cases) {
  EXPECT_EQ(ParseSleepInterval("60s").value(), std::chrono::seconds(60));
  EXPECT_EQ(ParseSleepInterval("infinite").value(), kSleepForever);
  EXPECT_THAT(ParseSleepInterval("forever"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"forever\"")));
  EXPECT_THAT(ParseSleepInterval("0s"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet
