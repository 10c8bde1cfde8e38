#include "plugin/handoff_backend.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/testing/pending_pods.h"
#include "plugin/testing/recording_backend.h"

namespace gpulet::plugin {
namespace {

using testing::MakePod;
using testing::Share;
using testing::Uuid;
using testing::Whole;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::map<std::string, std::string> Envs(const v1beta1::ContainerAllocateResponse& response) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : response.envs()) out[key] = value;
  return out;
}

class HandoffBackendTest : public ::testing::Test {
 protected:
  // A whole-GPU resource of GPUs 0..7, or, with replicas, "GPU-i::r".
  std::unique_ptr<HandoffBackend> Make(int replicas = 0) {
    std::vector<std::string> ids;
    for (int g = 0; g < 8; ++g) {
      if (replicas == 0) ids.push_back(Uuid(g));
      for (int r = 0; r < replicas; ++r) ids.push_back(Uuid(g) + "::" + std::to_string(r));
    }
    HandoffContext context{ledger_, [this](const GrantClaim& claim) { served_.push_back(claim); },
                           [this] {
                             ++refreshes_;
                             for (const PendingPod& pod : arriving_) ledger_->Upsert(pod);
                           }};
    return std::make_unique<HandoffBackend>("nvidia.com/gpu", inner_, ids, context);
  }

  std::shared_ptr<GrantLedger> ledger_ = std::make_shared<GrantLedger>();
  std::shared_ptr<testing::RecordingBackend> inner_ = std::make_shared<testing::RecordingBackend>();
  std::vector<GrantClaim> served_;
  std::vector<PendingPod> arriving_;  // what a refresh finds
  int refreshes_ = 0;
};

TEST_F(HandoffBackendTest, AllocateHandsOutTheDecidedGpuWhateverTheKubeletChose) {
  ledger_->Upsert(MakePod("a", 1, {{Whole(3)}}));
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(v1beta1::ContainerAllocateResponse response, backend->Allocate({Uuid(5)}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(3));
  EXPECT_FALSE(response.envs().contains("GPULET_GPU_MILLI"));
  ASSERT_EQ(served_.size(), 1u);
  EXPECT_EQ(served_[0].Key(), "default/a");
  EXPECT_TRUE(served_[0].last());
  EXPECT_EQ(refreshes_, 0);
}

TEST_F(HandoffBackendTest, MultiContainerPodIsServedContainerByContainer) {
  ledger_->Upsert(MakePod("a", 1, {{Whole(3)}, {Whole(6), Whole(7)}}));
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto first, backend->Allocate({Uuid(0)}));
  ASSERT_OK_AND_ASSIGN(auto second, backend->Allocate({Uuid(0), Uuid(1)}));
  EXPECT_EQ(first.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(3));
  EXPECT_EQ(second.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(6) + "," + Uuid(7));
  ASSERT_EQ(served_.size(), 2u);
  EXPECT_FALSE(served_[0].last());
  EXPECT_TRUE(served_[1].last());
}

TEST_F(HandoffBackendTest, TwoPendingPodsAreServedOldestFirst) {
  ledger_->Replace({MakePod("young", 20, {{Whole(1)}}), MakePod("old", 10, {{Whole(2)}})});
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto first, backend->Allocate({Uuid(0)}));
  ASSERT_OK_AND_ASSIGN(auto second, backend->Allocate({Uuid(0)}));
  EXPECT_EQ(first.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(2));
  EXPECT_EQ(second.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(1));
}

TEST_F(HandoffBackendTest, ShareGetsAReplicaOfItsGpuAndTheShareEnvs) {
  ledger_->Upsert(MakePod("a", 1, {{Share(4, 250, 10240)}}));
  std::unique_ptr<HandoffBackend> backend = Make(/*replicas=*/4);
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(0) + "::2"}));
  std::map<std::string, std::string> envs = Envs(response);
  EXPECT_EQ(envs["NVIDIA_VISIBLE_DEVICES"], Uuid(4) + "::0");
  EXPECT_EQ(envs["CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"], "25");
  EXPECT_EQ(envs["CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"], "0=10240M");
  EXPECT_EQ(envs["GPULET_GPU_MILLI"], "250");
  EXPECT_EQ(envs["GPULET_GPU_MEMORY_MIB"], "10240");
}

TEST_F(HandoffBackendTest, ReplicaTheKubeletChoseOfTheDecidedGpuIsKept) {
  ledger_->Upsert(MakePod("a", 1, {{Share(4, 500, 0)}}));
  std::unique_ptr<HandoffBackend> backend = Make(/*replicas=*/4);
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(4) + "::3"}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(4) + "::3");
  EXPECT_FALSE(response.envs().contains("CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"));
  EXPECT_EQ(response.envs().at("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"), "50");
}

TEST(ShareEnvsTest, WholeGpusHaveNoneAndTinySharesRoundUp) {
  EXPECT_THAT(ShareEnvs({"c", {Whole(0), Whole(1)}}), IsEmpty());
  std::map<std::string, std::string> envs = ShareEnvs({"c", {Share(0, 1, 0), Share(1, 1, 0)}});
  EXPECT_EQ(envs.at("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"), "1");
  EXPECT_EQ(envs.at("GPULET_GPU_MILLI"), "1,1");
  EXPECT_EQ(envs.at("GPULET_GPU_MEMORY_MIB"), "0,0");
  envs = ShareEnvs({"c", {Share(0, 1000, 2048), Share(1, 1000, 2048)}});
  EXPECT_EQ(envs.at("CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"), "0=2048M,1=2048M");
  EXPECT_EQ(envs.at("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"), "100");
}

TEST_F(HandoffBackendTest, NoDecisionFallsBackAfterOneRefresh) {
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(5)}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(5));
  EXPECT_EQ(refreshes_, 1);
  EXPECT_THAT(served_, IsEmpty());
}

TEST_F(HandoffBackendTest, DecisionFoundByTheRefreshIsServed) {
  arriving_ = {MakePod("late-watch", 1, {{Whole(6)}})};
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(0)}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(6));
  EXPECT_EQ(refreshes_, 1);
}

TEST_F(HandoffBackendTest, SizeMismatchOrForeignGpuFallsBack) {
  ledger_->Replace({MakePod("two", 1, {{Whole(1), Whole(2)}}), MakePod("other-node-gpu", 2,
                                                                       {{Whole(42)}})});
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(5)}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(5));
  EXPECT_THAT(served_, IsEmpty());
  EXPECT_EQ(ledger_->pending(), 2u);
}

TEST_F(HandoffBackendTest, DecidedGpuTheBackendRefusesIsReleasedAndFallsBack) {
  ledger_->Upsert(MakePod("a", 1, {{Whole(3)}}));
  inner_->Refuse(Uuid(3));
  std::unique_ptr<HandoffBackend> backend = Make();
  ASSERT_OK_AND_ASSIGN(auto response, backend->Allocate({Uuid(5)}));
  EXPECT_EQ(response.envs().at("NVIDIA_VISIBLE_DEVICES"), Uuid(5));
  EXPECT_THAT(served_, IsEmpty());
  EXPECT_EQ(ledger_->pending(), 1u) << "the grant is given back";
}

TEST_F(HandoffBackendTest, PreferredAllocationSteersTheKubeletToTheDecidedGpus) {
  ledger_->Upsert(MakePod("a", 1, {{Whole(6), Whole(2)}}));
  std::unique_ptr<HandoffBackend> backend = Make();
  std::vector<std::string> all;
  for (int g = 0; g < 8; ++g) all.push_back(Uuid(g));
  ASSERT_OK_AND_ASSIGN(auto preferred, backend->PreferredAllocation(all, {}, 2));
  EXPECT_THAT(preferred, ElementsAre(Uuid(6), Uuid(2)));
  EXPECT_EQ(ledger_->pending(), 1u) << "a preference consumes nothing";
  EXPECT_EQ(inner_->preferred_calls(), 0);
  // Other sizes, unavailable GPUs and conflicting must_include go to the
  // topology-aware answer.
  ASSERT_OK(backend->PreferredAllocation(all, {}, 1).status());
  ASSERT_OK(backend->PreferredAllocation({Uuid(0), Uuid(2), Uuid(3)}, {}, 2).status());
  ASSERT_OK(backend->PreferredAllocation(all, {Uuid(0)}, 2).status());
  EXPECT_EQ(inner_->preferred_calls(), 3);
  ASSERT_OK_AND_ASSIGN(preferred, backend->PreferredAllocation(all, {Uuid(2)}, 2));
  EXPECT_THAT(preferred, UnorderedElementsAre(Uuid(6), Uuid(2)));
}

TEST_F(HandoffBackendTest, PreferredAllocationPicksAvailableReplicasOfTheDecidedGpu) {
  ledger_->Upsert(MakePod("a", 1, {{Share(5, 300, 0)}}));
  std::unique_ptr<HandoffBackend> backend = Make(/*replicas=*/2);
  ASSERT_OK_AND_ASSIGN(auto preferred, backend->PreferredAllocation(
                                           {Uuid(0) + "::0", Uuid(5) + "::1"}, {}, 1));
  EXPECT_THAT(preferred, ElementsAre(Uuid(5) + "::1"));
}

}  // namespace
}  // namespace gpulet::plugin
