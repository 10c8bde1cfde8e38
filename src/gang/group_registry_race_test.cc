#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gang/group_registry.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

nlohmann::json VolcanoGroup(const std::string& name, int min_member) {
  return {{"metadata", {{"name", name}, {"namespace", "team"}}},
          {"spec", {{"minMember", min_member}}}};
}

PodMembership MemberOf(const std::string& name) {
  PodMembership membership;
  membership.group = GroupKey{GroupSource::kVolcano, "team", name};
  return membership;
}

// Watch threads write while /filter threads read (run under TSan in CI).
TEST(GroupRegistryTest, ConcurrentEventsAndReads) {
  GroupRegistry registry;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string name = "g" + std::to_string((i + t) % 16);
        registry.OnPodGroupEvent(GroupSource::kVolcano, i % 5 == 0 ? "DELETED" : "MODIFIED",
                                 VolcanoGroup(name, 1 + i % 8));
        registry.OnQueueEvent("MODIFIED", {{"metadata", {{"name", "q" + std::to_string(i % 4)}}}});
      }
    });
  }
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        absl::StatusOr<PodGroupSpec> spec =
            registry.ResolveGroup(MemberOf("g" + std::to_string(t)));
        if (spec.ok()) {
          EXPECT_GE(spec->min_member, 1);
        }
        registry.Queues();
      }
    });
  }
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop = true;
  for (size_t t = 4; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(registry.Queues().size(), 4u);
}

}  // namespace
}  // namespace gpulet::gang
