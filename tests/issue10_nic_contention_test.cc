// Issue 10: the streams of one step contend for a device's NIC. A stage's data-parallel collectives leave the
// scale-up domain through its NICs, and so do its pipeline transfers (every stage of a large job is on other
// nodes than the next) and the expert all-to-alls that span nodes: while a gradient reduction runs, a transfer
// gets half the NIC and the reduction ends later by the work the transfer did. The estimator's closed form
// prices each on its own; only the simulation shows them colliding.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fleetsim/estimate/estimator.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/step_simulator.h"

namespace fleetsim {
namespace {

// GPT-3 175B on 4,096 H100 as NVIDIA ran it in MLPerf Training v3.1 (tp4 pp8 vpp12 dp128): the gradient
// reductions of the first chunks run during the last group's backward, beside its pipeline transfers.
Scenario Gpt3(const std::string& parallelism, int64_t count) {
  return Scenario::Parse(
      "name: gpt3\n"
      "cluster: {accelerator: h100, count: " +
          std::to_string(count) +
          "}\n"
          "model: gpt3-175b\n"
          "training:\n"
          "  seq_len: 2048\n"
          "  global_batch: 2048\n"
          "  micro_batch: 1\n"
          "  precision: fp8\n"
          "  recompute: none\n"
          "  zero: 1\n"
          "  sequence_parallel: true\n"
          "  parallelism: " +
          parallelism + "\n",
      "gpt3.yaml");
}

struct StepRun {
  double step = 0;
  double contention = 0;  // summed over the stages
};

StepRun Simulate(const Scenario& s, bool share_nic) {
  const Plan plan = *FixedPlan(s.training);
  PipelineCosts costs = Estimator(s.model, s.cluster, s.training).Pipeline(plan);
  if (!share_nic) costs.nic.dp = false;
  StepSimulationOptions options;
  options.schedule = plan.vpp > 1 ? PipelineSchedule::kInterleaved : PipelineSchedule::kOneFOneB;
  const StepSimulation sim = SimulateStep(costs, plan, options);
  StepRun r{sim.step_time.value(), 0.0};
  for (const StageActivity& a : sim.stages) r.contention += a.nic_contention.value();
  return r;
}

TEST(Issue10NicContention, PipelineTransfersShareTheNicWithTheGradientReduction) {
  const Scenario s = Gpt3("{tp: 4, pp: 8, dp: 128, vpp: 12}", 4096);
  const PipelineCosts costs = Estimator(s.model, s.cluster, s.training).Pipeline(*FixedPlan(s.training));
  ASSERT_TRUE(costs.nic.dp);
  ASSERT_TRUE(costs.nic.pp);
  const StepRun shared = Simulate(s, true);
  const StepRun apart = Simulate(s, false);
  std::printf(
      "GPT-3 tp4 pp8 vpp12 on 4,096 H100: step %.4f s with the NIC shared (transfers %.1f ms longer over "
      "the stages), %.4f s without\n",
      shared.step, shared.contention * 1e3, apart.step);
  EXPECT_GT(shared.contention, 0.0);
  EXPECT_GT(shared.step, apart.step);
  EXPECT_EQ(apart.contention, 0.0);
}

TEST(Issue10NicContention, NothingToShareWhenTheDataParallelGroupStaysInTheNode) {
  // tp1 pp4 dp8 on 32 GPUs of four nodes: each stage's data-parallel group is one node (NVLink), only the
  // pipeline transfers use the NICs.
  const Scenario s = Gpt3("{tp: 1, pp: 4, dp: 8, vpp: 1}", 32);
  const PipelineCosts costs = Estimator(s.model, s.cluster, s.training).Pipeline(*FixedPlan(s.training));
  EXPECT_FALSE(costs.nic.dp);
  EXPECT_TRUE(costs.nic.pp);
  EXPECT_EQ(Simulate(s, true).contention, 0.0);
}

}  // namespace
}  // namespace fleetsim
