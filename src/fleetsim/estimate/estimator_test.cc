#include "fleetsim/estimate/estimator.h"

#include <gtest/gtest.h>

#include "fleetsim/search/plan_search.h"

namespace fleetsim {
namespace {

Scenario Make(const std::string& body) { return Scenario::Parse(body, "test.yaml"); }

const char* kLlama70b = R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: selective, zero: 1,
           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 2}}
)";

TEST(Estimator, BreakdownAddsUpToStepTime) {
  const Scenario s = Make(kLlama70b);
  const StepResult r = EstimateScenario(s);
  EXPECT_NEAR(r.breakdown.Total().value(), r.step_time.value(), 1e-12);
  EXPECT_GT(r.breakdown.compute.value(), 0);
  EXPECT_GT(r.breakdown.tp_comm.value(), 0);
  EXPECT_GT(r.breakdown.pp_bubble.value(), 0);
  EXPECT_GT(r.mfu, 0.2);
  EXPECT_LT(r.mfu, 0.8);
}

TEST(Estimator, SameInputSameOutputBitForBit) {
  const Scenario s = Make(kLlama70b);
  EXPECT_EQ(EstimateScenario(s).step_time.value(), EstimateScenario(s).step_time.value());
}

// Pipeline bubble follows (p-1)/(m*v): more micro-batches or interleaving shrink it.
TEST(Estimator, InterleavingShrinksTheBubble) {
  const Scenario s = Make(kLlama70b);
  const Estimator e(s.model, s.cluster, s.training);
  Plan p = EstimateScenario(s).plan;
  p.vpp = 1;
  const Seconds bubble1 = e.Evaluate(p).breakdown.pp_bubble;
  p.vpp = 4;
  const Seconds bubble4 = e.Evaluate(p).breakdown.pp_bubble;
  EXPECT_NEAR(bubble4 / bubble1, 0.25, 1e-9);
}

// A slower scale-out fabric hurts a data-parallel-heavy plan; the scale-up domain does not change.
TEST(Estimator, SlowerFabricSlowsDataParallelCommunication) {
  const std::string fast = R"(cluster: {accelerator: h100, count: 256}
model: llama3-8b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: none, zero: 0,
           parallelism: {tp: 1, pp: 1, dp: 256}}
)";
  std::string slow = fast;
  slow.replace(slow.find("count: 256}"), 11,
               "count: 256, fabric: {preset: ib-ndr-400-clos, link_bandwidth: \"100Gbps\"}}");
  const StepResult a = EstimateScenario(Make(fast));
  const StepResult b = EstimateScenario(Make(slow));
  EXPECT_GT(b.breakdown.dp_comm.value(), a.breakdown.dp_comm.value());
  EXPECT_DOUBLE_EQ(a.breakdown.compute.value(), b.breakdown.compute.value());
}

TEST(Estimator, AutoFieldsAreChosenAndReported) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, parallelism: {tp: 8, pp: 4, dp: 2}}
)");
  const StepResult r = EstimateScenario(s);
  EXPECT_TRUE(r.fits);
  ASSERT_GE(r.auto_chosen.size(), 3u);
  EXPECT_EQ(r.plan.tp, 8);
  EXPECT_EQ(r.plan.pp, 4);
}

TEST(PlanSearch, BestPlanIsFastestFittingAndRespectsConstraints) {
  const Scenario s = Make(kLlama70b);
  const Estimator e(s.model, s.cluster, s.training);
  const SearchResult all = SearchPlans(e, s.model, s.cluster, s.training, PlanConstraints{}, 5);
  ASSERT_EQ(all.best.size(), 5u);
  for (size_t i = 1; i < all.best.size(); ++i) EXPECT_LE(all.best[i - 1].step_time, all.best[i].step_time);
  for (const RankedPlan& p : all.best) {
    EXPECT_TRUE(p.fits);
    EXPECT_EQ(p.plan.Devices(), 64);
  }
  PlanConstraints fixed;
  fixed.tp = 4;
  const SearchResult tp4 = SearchPlans(e, s.model, s.cluster, s.training, fixed, 3);
  for (const RankedPlan& p : tp4.best) EXPECT_EQ(p.plan.tp, 4);
  EXPECT_LT(tp4.evaluated, all.evaluated);
}

// A job larger than one TPU slice places its data-parallel groups across slices on the datacenter network:
// the outer level of a group spanning slices runs at the DCN's per-chip bandwidth, far below the ICI torus.
TEST(GroupLevels, TpuJobBeyondOneSliceCrossesTheDatacenterNetwork) {
  const Scenario s = Make(R"(cluster: {accelerator: tpu-v4, count: 8192}
model: gpt3-175b
training: {seq_len: 2048, global_batch: 2048, parallelism: {tp: 8, pp: 4, dp: 256}}
)");
  ASSERT_TRUE(s.cluster.dcn.has_value());
  const GroupLevels levels(s.cluster);
  EXPECT_EQ(levels.DomainSize(), 4096);
  const std::vector<LinkLevel> dp = levels.Levels(256, 32);  // dp ranks sit tp*pp = 32 apart
  ASSERT_EQ(dp.size(), 2u);
  EXPECT_EQ(dp[0].ranks, 128);  // inside one 4,096-chip slice
  EXPECT_EQ(dp[1].ranks, 2);    // across the two slices
  const Bandwidth dcn = s.cluster.dcn->AcceleratorBandwidth() * s.cluster.dcn->efficiency;
  EXPECT_DOUBLE_EQ(dp[1].bandwidth.value(), dcn.value());
  EXPECT_GT(dp[0].bandwidth.value(), 10 * dp[1].bandwidth.value());
}

// Rings leaving a 3,072-GPU pod of the Llama 3 fabric share 1:7 oversubscribed uplinks.
TEST(GroupLevels, CrossPodGroupsMeetOversubscription) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 16384, fabric: roce-400-clos}
model: llama3-8b
training: {seq_len: 4096, global_batch: 2048}
)");
  const GroupLevels levels(s.cluster);
  const double nic = s.cluster.fabric.AcceleratorBandwidth().value() * s.cluster.fabric.efficiency;
  // 64 ranks 8 apart span 512 GPUs: inside one pod, full bandwidth.
  EXPECT_DOUBLE_EQ(levels.Levels(64, 8).back().bandwidth.value(), nic);
  // 2048 ranks 8 apart span all 16,384 GPUs, but each ring keeps 384 members per pod: its few boundary edges
  // fit in the uplinks, full bandwidth.
  EXPECT_DOUBLE_EQ(levels.Levels(2048, 8).back().bandwidth.value(), nic);
  // 8 ranks 2,048 apart (a pipeline-like group) keep 1.5 members per pod: every GPU's ring leaves the pod, and
  // the pod's uplinks carry 3072/7 NICs' worth.
  EXPECT_NEAR(levels.Levels(8, 2048).back().bandwidth.value(), nic * (3072.0 / 2048.0) / 7.0, 1e-6 * nic);
}

}  // namespace
}  // namespace fleetsim
