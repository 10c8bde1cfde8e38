#include "doctor/doctor_report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::doctor {
namespace {

using ::testing::HasSubstr;

DoctorReport Sample(bool blocking) {
  DoctorReport report;
  Section& driver = report.AddSection("driver", "Driver");
  driver.facts["driver_version"] = "550.54.15";
  driver.Ok("driver 550.54.15").details.push_back("detail");
  Section& gpus = report.AddSection("gpus", "GPUs");
  gpus.Problem("GPU 3: lost", "reset it", blocking);
  gpus.Warn("GPU 1: MIG enable pending", "reset it");
  gpus.Note("for information");
  return report;
}

TEST(DoctorReportTest, OnlyBlockingProblemsStopTheNode) {
  EXPECT_TRUE(Sample(false).CanServeGpus());
  EXPECT_EQ(Sample(false).ExitCode(), 0);
  EXPECT_FALSE(Sample(true).CanServeGpus());
  EXPECT_EQ(Sample(true).ExitCode(), 1);
  EXPECT_EQ(Sample(true).Count(Mark::kProblem), 1);
  EXPECT_EQ(Sample(true).Count(Mark::kWarning), 1);
}

TEST(DoctorReportTest, TextHasMarksDetailsFixesAndVerdict) {
  std::string text = RenderReportText(Sample(false));
  EXPECT_EQ(text,
            "Driver\n"
            "  ✓ driver 550.54.15\n"
            "      detail\n"
            "GPUs\n"
            "  ✗ GPU 3: lost\n"
            "    fix: reset it\n"
            "  ! GPU 1: MIG enable pending\n"
            "    fix: reset it\n"
            "  · for information\n"
            "\n"
            "This node can serve GPUs (1 problem, 1 warning).\n");
  EXPECT_THAT(RenderReportText(Sample(true)), HasSubstr("This node cannot serve GPUs"));
}

TEST(DoctorReportTest, JsonKeepsSectionAndKeyOrder) {
  nlohmann::ordered_json json = ReportToJson(Sample(true));
  EXPECT_EQ(json.dump(),
            R"({"can_serve_gpus":false,"problems":1,"warnings":1,)"
            R"("driver":{"driver_version":"550.54.15","findings":[{"mark":"ok",)"
            R"("text":"driver 550.54.15","details":["detail"]}]},)"
            R"("gpus":{"findings":[{"mark":"problem","text":"GPU 3: lost","fix":"reset it",)"
            R"("blocking":true},{"mark":"warning","text":"GPU 1: MIG enable pending",)"
            R"("fix":"reset it"},{"mark":"note","text":"for information"}]}})");
  EXPECT_NE(Sample(true).Find("gpus"), nullptr);
  EXPECT_EQ(Sample(true).Find("cdi"), nullptr);
}

}  // namespace
}  // namespace gpulet::doctor
