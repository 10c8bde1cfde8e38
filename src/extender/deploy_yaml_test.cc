// Every document under deploy/scheduler/ parses, and the scheduler
// configuration names gpulet's verbs and resources as the docs say.
#include <filesystem>
#include <set>

#include "extender/extender.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace gpulet::extender {
namespace {

const std::filesystem::path kDeploy =
    std::filesystem::path(GPULET_SOURCE_DIR) / "deploy" / "scheduler";

void ExpectSchedulerConfig(const YAML::Node& config) {
  EXPECT_EQ(config["apiVersion"].as<std::string>(),
            "kubescheduler.config.k8s.io/v1");
  const YAML::Node extender = config["extenders"][0];
  EXPECT_EQ(extender["filterVerb"].as<std::string>(), "filter");
  EXPECT_EQ(extender["prioritizeVerb"].as<std::string>(), "prioritize");
  EXPECT_EQ(extender["bindVerb"].as<std::string>(), "bind");
  EXPECT_TRUE(extender["nodeCacheCapable"].as<bool>());
  // A gang's bind barrier waits up to --gang-timeout-max (40 s by default,
  // ExtenderOptions); kube-scheduler must wait longer than that.
  std::string timeout = extender["httpTimeout"].as<std::string>();
  ASSERT_EQ(timeout.back(), 's') << timeout;
  EXPECT_GT(std::stoi(timeout.substr(0, timeout.size() - 1)),
            std::chrono::duration_cast<std::chrono::seconds>(
                ExtenderOptions{}.gang_timeout_max).count());
  std::set<std::string> ignored;
  for (const YAML::Node& resource : extender["managedResources"]) {
    if (resource["ignoredByScheduler"].as<bool>()) {
      ignored.insert(resource["name"].as<std::string>());
    }
  }
  EXPECT_EQ(ignored, (std::set<std::string>{"gpulet.io/gpu-milli",
                                            "gpulet.io/gpu-memory"}));
}

TEST(DeployYamlTest, EveryDocumentParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDeploy)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    std::vector<YAML::Node> documents;
    ASSERT_NO_THROW(documents = YAML::LoadAllFromFile(entry.path().string()))
        << entry.path();
    for (const YAML::Node& document : documents) {
      EXPECT_TRUE(document["kind"]) << entry.path();
      if (document["kind"].as<std::string>() == "ConfigMap") {
        ExpectSchedulerConfig(
            YAML::Load(document["data"]["config.yaml"].as<std::string>()));
      }
    }
  }
  EXPECT_EQ(files, 2);
  ExpectSchedulerConfig(
      YAML::LoadFile((kDeploy / "kube-scheduler-config.yaml").string()));
}

}  // namespace
}  // namespace gpulet::extender
