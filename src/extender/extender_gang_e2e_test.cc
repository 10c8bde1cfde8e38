// Gangs and queues end to end: the extender behind its HTTP server, fed by
// the fake API server's watches, driven by a kube-scheduler emulator that
// filters pods one at a time and binds asynchronously.
#include <algorithm>
#include <map>
#include <set>

#include "base/status_matchers.h"
#include "extender/gang_test_objects.h"
#include "extender/group_status_writer.h"
#include "extender/http_server.h"
#include "extender/kube_cluster_api.h"
#include "extender/scheduler_emulator.h"
#include "gang/group_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "handoff/pod_decision.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;
using testing::GangPod;
using testing::QueuePod;
using testing::SchedulerEmulator;

class GangE2eTest : public ::testing::Test {
 protected:
  void Start(int nodes, int gpus, ExtenderOptions options = {},
             std::vector<gang::QueueSpec> queues = {}) {
    ASSERT_OK_AND_ASSIGN(api_server_, kube::testing::FakeApiServer::Start());
    for (int i = 0; i < nodes; ++i) {
      names_.push_back("node-" + std::to_string(i));
      ASSERT_OK(api_server_->AddNode(testing::NodeObject(names_.back(), gpus)).status());
    }
    ASSERT_OK_AND_ASSIGN(client_, kube::Client::Create(api_server_->client_config()));
    api_ = std::make_unique<KubeClusterApi>(client_.get());
    if (!queues.empty()) registry_.SetConfiguredQueues(std::move(queues));
    options.policy = "binpack";
    ASSERT_OK_AND_ASSIGN(extender_, Extender::Create(options, &model_, api_.get(),
                                                     &metrics_, &registry_));
    sync_ = std::make_unique<ClusterSync>(client_.get(), &model_, extender_.get(),
                                          &registry_);
    sync_->Start();
    ASSERT_TRUE(sync_->WaitForSync(absl::Seconds(10)));
    HttpServerOptions http;
    http.listen = "127.0.0.1:0";
    http.threads = 16 + options.barrier_capacity;
    ASSERT_OK_AND_ASSIGN(server_, ExtenderHttpServer::Start(
                                      http, extender_.get(), &metrics_,
                                      [this] { return sync_->synced(); }));
    writer_ = std::make_unique<GroupStatusWriter>(extender_.get(), api_.get());
    sweeper_ = std::thread([this] {
      while (!stopping_) {
        extender_->ReleaseExpired();
        writer_->Write(1700000000);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }

  void TearDown() override {
    if (emulator_) emulator_->Stop();
    stopping_ = true;
    if (sweeper_.joinable()) sweeper_.join();
    if (server_) server_->Stop();
    if (sync_) sync_->Stop();
  }

  void Schedule(int threads = 1, std::set<std::string> never = {}) {
    emulator_ = std::make_unique<SchedulerEmulator>(
        api_server_.get(), server_->port(), names_, threads, std::move(never));
  }

  void AddGang(const std::string& group, int size, int gpus,
               const std::string& queue = "") {
    for (int i = 0; i < size; ++i) {
      ASSERT_OK(api_server_->AddPod(GangPod(group + "-" + std::to_string(i), gpus,
                                            group, size, queue))
                    .status());
    }
  }

  // Pod name -> node, for bound pods still running.
  std::map<std::string, std::string> Bound() {
    std::map<std::string, std::string> bound;
    for (const nlohmann::json& pod : api_server_->Objects("pods")) {
      if (pod["spec"].contains("nodeName") &&
          pod["status"].value("phase", "") != "Succeeded") {
        bound[pod["metadata"]["name"]] = pod["spec"]["nodeName"];
      }
    }
    return bound;
  }

  int BoundOf(const std::string& prefix) {
    int count = 0;
    for (const auto& [name, node] : Bound()) count += name.rfind(prefix, 0) == 0;
    return count;
  }

  // Marks bound pods whose names start with `prefix` Succeeded.
  void Finish(const std::string& prefix) {
    for (nlohmann::json pod : api_server_->Objects("pods")) {
      std::string name = pod["metadata"]["name"];
      if (name.rfind(prefix, 0) == 0 && pod["spec"].contains("nodeName")) {
        pod["status"]["phase"] = "Succeeded";
        ASSERT_OK(api_server_->UpdatePod(pod).status());
      }
    }
  }

  int64_t UsedMilli() { return testing::UsedGpuMilli(model_); }

  template <typename Predicate>
  bool WaitFor(Predicate predicate, absl::Duration timeout = absl::Seconds(20)) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (predicate()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return predicate();
  }

  std::unique_ptr<kube::testing::FakeApiServer> api_server_;
  std::vector<std::string> names_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<KubeClusterApi> api_;
  gang::GroupRegistry registry_;
  ClusterModel model_;
  ExtenderMetrics metrics_;
  std::unique_ptr<Extender> extender_;
  std::unique_ptr<ClusterSync> sync_;
  std::unique_ptr<ExtenderHttpServer> server_;
  std::unique_ptr<GroupStatusWriter> writer_;
  std::unique_ptr<SchedulerEmulator> emulator_;
  std::atomic<bool> stopping_{false};
  std::thread sweeper_;
};

TEST_F(GangE2eTest, TwoGangsThatFitOnlyAloneRunWholeOneAfterTheOther) {
  Start(3, 8);
  AddGang("a", 8, 2);
  AddGang("b", 8, 2);
  Schedule();
  ASSERT_TRUE(WaitFor([&] { return BoundOf("a-") == 8 || BoundOf("b-") == 8; }));
  std::string first = BoundOf("a-") == 8 ? "a-" : "b-";
  std::string second = first == "a-" ? "b-" : "a-";
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(BoundOf(second), 0);
  EXPECT_EQ(UsedMilli(), 16000);  // the waiting gang holds no GPU
  Finish(first);
  ASSERT_TRUE(WaitFor([&] { return BoundOf(second) == 8; }));
  EXPECT_EQ(emulator_->bind_errors(), 0);
}

TEST_F(GangE2eTest, GangWithAMemberNeverBroughtBindsNothingAndHoldsNothing) {
  ExtenderOptions options;
  options.gang_timeout = std::chrono::seconds(1);
  Start(2, 8, options);
  ASSERT_OK(api_server_
                ->AddObject("scheduling.volcano.sh/v1beta1/podgroups",
                            testing::VolcanoPodGroup("pg", 3))
                .status());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(api_server_->AddPod(testing::VolcanoPod("v-" + std::to_string(i), 2, "pg"))
                  .status());
  }
  Schedule(1, {"v-2"});
  // Two members reach /bind and wait; the third never comes.
  ASSERT_TRUE(WaitFor([&] { return metrics_.failures("bind", "gang-timeout") >= 1; }));
  ASSERT_TRUE(WaitFor([&] { return UsedMilli() == 0; }));
  EXPECT_TRUE(Bound().empty());
  // The PodGroup says why it waits, as Volcano's would.
  ASSERT_TRUE(WaitFor([&] {
    std::optional<nlohmann::json> group = api_server_->GetObject(
        "scheduling.volcano.sh/v1beta1/podgroups", "default", "pg");
    return group && group->contains("status") &&
           (*group)["status"].value("phase", "") == "Pending" &&
           (*group)["status"].contains("conditions");
  }));
  std::optional<nlohmann::json> group = api_server_->GetObject(
      "scheduling.volcano.sh/v1beta1/podgroups", "default", "pg");
  EXPECT_THAT((*group)["status"]["conditions"].dump(), HasSubstr("never reached bind"));
  ASSERT_TRUE(WaitFor([&] { return !api_server_->Objects("events").empty(); }));
}

TEST_F(GangE2eTest, AThousandGangPodsFromSixteenThreadsNeverPartialNeverDoubled) {
  ExtenderOptions options;
  options.barrier_capacity = 128;
  Start(64, 8, options);  // 512 GPUs: 64 gangs of 8 at once
  constexpr int kGangs = 125;
  for (int g = 0; g < kGangs; ++g) AddGang("g" + std::to_string(g), 8, 1);
  Schedule(16);
  // Every bound pod's GPUs, checked against every other running pod's.
  std::map<std::string, std::string> holder;  // GPU uuid -> pod
  std::set<std::string> seen_bound;
  int finished_gangs = 0;
  int partial_checks = 0;
  absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (finished_gangs < kGangs && absl::Now() < deadline) {
    std::map<std::string, int> bound_by_gang;
    for (const nlohmann::json& pod : api_server_->Objects("pods")) {
      if (!pod["spec"].contains("nodeName") ||
          pod["status"].value("phase", "") == "Succeeded") {
        continue;
      }
      std::string name = pod["metadata"]["name"];
      ++bound_by_gang[name.substr(0, name.find('-') + 1)];
      if (!seen_bound.insert(name).second) continue;
      ASSERT_OK_AND_ASSIGN(
          handoff::PodDecision decision,
          handoff::DecodePodDecision(pod["metadata"]["annotations"]
                                        [std::string(handoff::kDecisionAnnotation)]
                                            .get<std::string>()));
      for (const auto& container : decision.containers) {
        for (const auto& gpu : container.gpus) {
          auto [it, fresh] = holder.emplace(gpu.uuid, name);
          EXPECT_TRUE(fresh) << gpu.uuid << " given to " << name << " while "
                             << it->second << " holds it";
        }
      }
    }
    // A gang is either not bound or bound whole; the binds of one gang
    // land within moments of each other, so a partial view is only ever
    // transient.
    for (const auto& [gang, count] : bound_by_gang) {
      if (count == 8) {
        Finish(gang);
        for (auto it = holder.begin(); it != holder.end();) {
          it = it->second.rfind(gang, 0) == 0 ? holder.erase(it) : std::next(it);
        }
        ++finished_gangs;
      } else {
        ++partial_checks;
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(finished_gangs, kGangs);
  EXPECT_EQ(emulator_->bind_errors(), 0);
  EXPECT_EQ(metrics_.failures("bind", "binding-failed"), 0);
  emulator_->Stop();
  ASSERT_TRUE(WaitFor([&] { return UsedMilli() == 0; }));
}

TEST_F(GangE2eTest, CappedQueueNeverHoldsMoreThanItsCapability) {
  gang::QueueSpec capped;
  capped.name = "capped";
  capped.capability.gpu_milli = 4000;
  Start(3, 8, {}, {capped});
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(api_server_->AddPod(QueuePod("c" + std::to_string(i), 1, "capped")).status());
  }
  Schedule(4);
  ASSERT_TRUE(WaitFor([&] { return BoundOf("c") == 4; }));
  for (int i = 0; i < 20; ++i) {
    EXPECT_LE(BoundOf("c"), 4);
    EXPECT_LE(extender_->grants().QueueUsage()["capped"].gpu_milli, 4000);
    absl::SleepFor(absl::Milliseconds(25));
  }
}

TEST_F(GangE2eTest, QueueSharesStayNearWhatTheyDeserveUnderSustainedDemand) {
  gang::QueueSpec light;
  light.name = "light";
  light.weight = 1;
  gang::QueueSpec heavy;
  heavy.name = "heavy";
  heavy.weight = 3;
  Start(4, 8, {}, {light, heavy});  // 32 GPUs: deserved 8 and 24
  int created = 0;
  auto top_up = [&] {
    // Sustained demand: each queue always has more pending pods than a
    // round frees, so neither leaves GPUs idle for the other to borrow.
    for (const std::string queue : {"light", "heavy"}) {
      int pending = 0;
      for (const nlohmann::json& pod : api_server_->Objects("pods")) {
        if (!pod["spec"].contains("nodeName") &&
            pod["metadata"]["name"].get<std::string>().rfind(queue, 0) == 0) {
          ++pending;
        }
      }
      for (; pending < 16; ++pending) {
        ASSERT_OK(api_server_->AddPod(QueuePod(queue + std::to_string(created++), 1, queue)).status());
      }
    }
  };
  top_up();
  Schedule(2);
  double deviation = 0;
  int samples = 0;
  auto running_pods = [&] {
    std::vector<nlohmann::json> running;
    for (const nlohmann::json& pod : api_server_->Objects("pods")) {
      if (pod["spec"].contains("nodeName") &&
          pod["status"].value("phase", "") != "Succeeded") {
        running.push_back(pod);
      }
    }
    return running;
  };
  for (int round = 0; round < 40; ++round) {
    // Each round waits for the cluster to fill again, so the split is the
    // gate's doing however slow the build, then the oldest quarter of the
    // running pods finish.
    // Generous: a sanitized build on two busy cores refills slowly.
    ASSERT_TRUE(WaitFor([&] { return running_pods().size() == 32; }, absl::Seconds(60)));
    std::vector<nlohmann::json> running = running_pods();
    if (round >= 4) {  // after the first fills
      int light_gpus = 0;
      for (const nlohmann::json& pod : running) {
        light_gpus += pod["metadata"]["name"].get<std::string>().rfind("light", 0) == 0;
      }
      deviation += std::abs(light_gpus / 32.0 - 0.25) * 100;
      ++samples;
    }
    for (size_t i = 0; i < running.size(); i += 4) {
      nlohmann::json pod = running[i];
      pod["status"]["phase"] = "Succeeded";
      ASSERT_OK(api_server_->UpdatePod(pod).status());
    }
    top_up();
  }
  double mad = deviation / samples;
  RecordProperty("queue_share_mad_points", std::to_string(mad));
  EXPECT_LE(mad, 5.0);
}

}  // namespace
}  // namespace gpulet::extender
