// ParseMachineProfile: the shipped profiles parse, and every malformed
// field is reported with the file and the field path.
#include "mock/nvml/machine_profile.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock/nvml/control_file.h"
#include "mock/nvml/mock_test_files.h"

namespace gpulet::mock {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

const char kGood[] = R"(driver_version: "550.54.15"
cuda_driver_version: 12040
gpus:
  - name: NVIDIA H100 80GB HBM3
    uuid: GPU-a84bba07-931d-b925-306a-0799dc6ebd71
    minor: 0
    pci: {bus_id: "00000000:18:00.0", device_id: 0x233010DE, subsystem_id: 0x16C110DE}
    numa_node: 0
    memory: {total: 85520809984, reserved: 591396864, used: 1048576}
    compute_capability: "9.0"
    architecture: hopper
    mig:
      profiles: h100-80gb
      mode: enabled
      devices:
        - {gi: 1, profile: 3g.40gb, uuid: MIG-a84bba07-931d-b925-306a-0799dc6ebd72}
        - {gi: 2, profile: 3g.40gb, compute_slices: 1, uuid: MIG-a84bba07-931d-b925-306a-0799dc6ebd73}
)";

TEST(MachineProfile, ParsesAGoodProfile) {
  ASSERT_OK_AND_ASSIGN(MachineProfile m, ParseMachineProfile(kGood, "m.yaml"));
  EXPECT_EQ(m.file_name, "m.yaml");
  EXPECT_EQ(m.nvml_version, "12.550.54.15");
  ASSERT_EQ(m.gpus.size(), 1u);
  const GpuProfile& g = m.gpus[0];
  EXPECT_EQ(g.pci.bus, 0x18u);
  EXPECT_EQ(g.pci.device_id, 0x233010DEu);
  EXPECT_EQ(g.memory.free(), 85520809984ull - 591396864 - 1048576);
  EXPECT_EQ(g.cc_major, 9);
  ASSERT_EQ(g.mig.devices.size(), 2u);
  EXPECT_EQ(g.mig.devices[0].placement_start, 0u);
  EXPECT_EQ(g.mig.devices[1].placement_start, 4u);
  EXPECT_EQ(g.mig.devices[1].compute_slices, 1u);
  EXPECT_EQ(g.topology.host_bridge, 0u);
}

TEST(MachineProfile, ShippedProfilesLoad) {
  for (const std::string& name : ShippedMachineProfileNames()) {
    EXPECT_OK(LoadMachineProfile(name)) << name;
    EXPECT_OK(LoadMachineProfile(std::string(GPULET_MOCK_MACHINES_DIR) + "/" +
                                 name + ".yaml"))
        << name;
  }
}

TEST(MachineProfile, MissingFileAndUnknownName) {
  EXPECT_THAT(LoadMachineProfile("/no/such/machine.yaml"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(LoadMachineProfile("dgx-z9000"),
              StatusIs(absl::StatusCode::kNotFound));
}

struct BadCase {
  std::string name;  // names the ctest entry
  std::string from;  // replaced in kGood ...
  std::string to;    // ... by this
  std::string message;
};

class MalformedProfileTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedProfileTest, NamesFileAndField) {
  const BadCase& c = GetParam();
  const std::string yaml = absl::StrReplaceAll(kGood, {{c.from, c.to}});
  ASSERT_NE(yaml, kGood) << "case does not apply: " << c.from;
  auto parsed = ParseMachineProfile(yaml, "dgx.yaml");
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr("dgx.yaml" + c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, MalformedProfileTest,
    ::testing::Values(
        BadCase{"TotalNotInteger", "total: 85520809984", "total: 80GB",
                ": gpus[0].memory.total: expected an integer, got \"80GB\""},
        BadCase{"CudaVersionNotInteger", "cuda_driver_version: 12040", "cuda_driver_version: [1]",
                ": cuda_driver_version: expected an integer"},
        BadCase{"DriverVersionMissing", "driver_version: \"550.54.15\"\n", "",
                ": driver_version: missing"},
        BadCase{"UnknownField", "    minor: 0\n", "    minor: 0\n    nmae: x\n",
                ": gpus[0].nmae: unknown field"},
        BadCase{"BadUuid", "uuid: GPU-a84bba07", "uuid: GPU-zz4bba07",
                ": gpus[0].uuid: expected a UUID"},
        BadCase{"BadBusId", "bus_id: \"00000000:18:00.0\"", "bus_id: \"18:00.0\"",
                ": gpus[0].pci.bus_id: expected a PCI bus id"},
        BadCase{"BadComputeCapability", "\"9.0\"", "\"nine\"",
                ": gpus[0].compute_capability: expected \"<major>.<minor>\""},
        BadCase{"UnknownArchitecture", "architecture: hopper", "architecture: lovelace",
                ": gpus[0].architecture: expected one of"},
        BadCase{"MemoryOverflow", "used: 1048576", "used: 85520809984",
                ": gpus[0].memory: reserved + used exceeds total"},
        BadCase{"UnknownMigTable", "profiles: h100-80gb", "profiles: h200",
                ": gpus[0].mig.profiles: unknown MIG profile table"},
        BadCase{"BadMigMode", "mode: enabled", "mode: on",
                ": gpus[0].mig.mode: expected enabled or disabled"},
        BadCase{"MigDevicesWithMigDisabled", "mode: enabled", "mode: disabled",
                ": gpus[0].mig.devices: MIG devices on a GPU whose MIG mode "
                "is disabled"},
        BadCase{"ProfileOfAnotherModel", "gi: 1, profile: 3g.40gb", "gi: 1, profile: 3g.20gb",
                ": gpus[0].mig.devices[0].profile: unknown profile \"3g.20gb\""},
        BadCase{"NoFreePlacement", "gi: 2, profile: 3g.40gb,", "gi: 2, profile: 4g.40gb,",
                ": gpus[0].mig.devices[1].placement: no free placement"},
        BadCase{"OverlappingPlacement", "gi: 2, profile: 3g.40gb,", "gi: 2, placement: 0, profile: 3g.40gb,",
                ": gpus[0].mig.devices[1].placement: placement at slice 0 "
                "overlaps"},
        BadCase{"InvalidPlacement", "gi: 2, profile: 3g.40gb,", "gi: 2, placement: 2, profile: 3g.40gb,",
                ": gpus[0].mig.devices[1].placement: profile 3g.40gb cannot "
                "start at slice 2"},
        BadCase{"ComputeInstancesExceedGi", "gi: 2, profile: 3g.40gb,", "gi: 1, ci: 0, profile: 3g.40gb,",
                ": gpus[0].mig.devices[1].compute_slices: compute instances "
                "exceed"},
        BadCase{"ComputeSlicesInvalid", "compute_slices: 1", "compute_slices: 5",
                ": gpus[0].mig.devices[1].compute_slices: a 3g.40gb GPU "
                "instance has no compute instance of 5 slices"},
        BadCase{"DuplicateMigUuid", "uuid: MIG-a84bba07-931d-b925-306a-0799dc6ebd73",
                "uuid: MIG-a84bba07-931d-b925-306a-0799dc6ebd72",
                ": gpus[0].mig.devices[1].uuid: duplicate UUID"},
        BadCase{"FabricBadClusterUuid", "    numa_node: 0\n",
                "    numa_node: 0\n    fabric: {cluster_uuid: 7b96, clique_id: 1, "
                "state: completed}\n",
                ": gpus[0].fabric.cluster_uuid: expected a UUID"},
        BadCase{"FabricUnknownState", "    numa_node: 0\n",
                "    numa_node: 0\n    fabric: {cluster_uuid: "
                "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31, clique_id: 1, state: done}\n",
                ": gpus[0].fabric.state: expected one of"},
        BadCase{"FabricMissingClique", "    numa_node: 0\n",
                "    numa_node: 0\n    fabric: {cluster_uuid: "
                "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31, state: completed}\n",
                ": gpus[0].fabric.clique_id: missing"},
        BadCase{"UnknownTopLevelField", "gpus:\n", "gpus: 3\nx:\n",
                ": x: unknown field"},
        BadCase{"InvalidYaml", "memory: {", "memory: [",
                ":9:"}),  // invalid YAML: line of the error
    [](const ::testing::TestParamInfo<BadCase>& info) {
      return info.param.name;
    });

TEST(MachineProfile, DuplicateGpusAreRejected) {
  std::string yaml = A100ProfileForTest("[]");
  yaml = absl::StrReplaceAll(yaml, {{"GPU-11111111", "GPU-00000000"}});
  EXPECT_THAT(std::string(ParseMachineProfile(yaml, "two.yaml")
                              .status()
                              .message()),
              HasSubstr("two.yaml: gpus[1].uuid: duplicate UUID"));
}

TEST(MachineProfile, EmptyAndNonMapDocuments) {
  EXPECT_THAT(ParseMachineProfile("", "e.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMachineProfile("- 1\n- 2\n", "e.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMachineProfile("gpus: [{name: x}]\n", "e.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ControlCommand, ParsesTheGrammar) {
  ASSERT_OK_AND_ASSIGN(auto c, ParseControlCommand("xid 3 79"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, ControlCommand::Kind::kXid);
  EXPECT_EQ(c->target, "3");
  EXPECT_EQ(c->xid, 79u);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("  xid GPU-1 48 gi=1 ci=0 # x"));
  EXPECT_EQ(c->gi, 1u);
  EXPECT_EQ(c->ci, 0u);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("ecc 2 single"));
  EXPECT_FALSE(c->double_bit);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("reload /tmp/m.yaml"));
  EXPECT_EQ(c->source, "/tmp/m.yaml");
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("process MIG-1 4242 512"));
  EXPECT_EQ(c->kind, ControlCommand::Kind::kProcess);
  EXPECT_EQ(c->target, "MIG-1");
  EXPECT_EQ(c->pid, 4242u);
  EXPECT_EQ(c->memory_mib, 512u);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("fail nvmlEventSetCreate 999 2"));
  EXPECT_EQ(c->kind, ControlCommand::Kind::kFail);
  EXPECT_EQ(c->target, "nvmlEventSetCreate");
  EXPECT_EQ(c->fail_code, 999u);
  EXPECT_EQ(c->fail_times, 2u);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("fail nvmlDeviceGetUUID 0"));
  EXPECT_EQ(c->fail_times, 0u);
  ASSERT_OK_AND_ASSIGN(c, ParseControlCommand("# only a comment"));
  EXPECT_FALSE(c.has_value());
  for (const char* bad : {"xid", "xid 3", "xid 3 abc", "xid 3 4 gi=1",
                          "xid 3 4 foo=1", "ecc 1 triple", "lost", "lost 1 2",
                          "reload a b", "explode 1", "process 0", "process 0 12",
                          "process 0 0 5", "process 0 -1 5", "process 0 12 -5",
                          "process 0 12 5 6", "process 0 12 99999999999999", "fail",
                          "fail nvmlInit", "fail open 999", "fail nvmlInit x",
                          "fail nvmlInit 999 0", "fail nvmlInit 999 -1",
                          "fail nvmlInit 999 1 2"}) {
    EXPECT_THAT(ParseControlCommand(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ControlFile, ReadsOnlyCompleteNewLines) {
  const std::string path = TempPathForTest("control");
  ControlFile file(path);
  EXPECT_TRUE(file.ReadNewLines().empty()) << "no file yet";
  WriteFileForTest(path, "xid 1 2\nxid 3");
  EXPECT_THAT(file.ReadNewLines(), ::testing::ElementsAre("xid 1 2"));
  AppendControl(path, " 4");
  EXPECT_THAT(file.ReadNewLines(), ::testing::ElementsAre("xid 3 4"));
  EXPECT_TRUE(file.ReadNewLines().empty());
  WriteFileForTest(path, "lost 0\n");  // truncated and rewritten
  EXPECT_THAT(file.ReadNewLines(), ::testing::ElementsAre("lost 0"));
}

}  // namespace
}  // namespace gpulet::mock
