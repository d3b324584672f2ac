// Issue 10: what the fabric does to a step on the flow network: a switch that fails during the step
// (`simulation.failures`) and a second job sharing the fabric (`simulation.neighbour`). From the failure on (from
// the start, for the neighbour), the stage's data-parallel collectives, expert-parallel all-to-alls and pipeline
// transfers take what the flow network gives them, against what it gives them alone on a healthy fabric; a
// failure that cuts devices off the fabric stops the step with an error at its line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "cli_test_util.h"
#include "fleetsim/core/error.h"
#include "fleetsim/estimate/estimator.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/simulate_scenario.h"
#include "fleetsim/simulate/step_simulator.h"

namespace fleetsim {
namespace {

using testing::RunFleetsim;
using testing::WriteTempFile;

// Llama 3 70B on 4,096 H100 under Meta's ToR fabric (16 GPUs per rack switch): every ring hop between racks
// crosses a spine. The generic stack without data-parallel overlap leaves the gradient reduction after the last
// backward, so what the fabric does to it shows in the step.
std::string Job(const std::string& simulation) {
  return "name: issue10-failure\n"
         "cluster: {accelerator: h100, count: 4096, fabric: roce-400-clos}\n"
         "model: llama3-70b\n"
         "training:\n"
         "  seq_len: 8192\n"
         "  global_batch: 1024\n"
         "  micro_batch: 1\n"
         "  stack: {preset: generic, dp_overlap: false}\n"
         "  parallelism: {tp: 8, pp: 8, dp: 64, vpp: 1}\n"
         "  recompute: none\n"
         "  zero: 1\n" +
         simulation;
}

std::string Spines(const std::string& at, int count) {
  std::string s = "simulation:\n  failures:\n";
  for (int i = 0; i < count; ++i) s += "    - {at: " + at + ", switch: spine, index: " + std::to_string(i) + "}\n";
  return s;
}

double StepTime(const std::string& yaml) {
  return SimulateScenario(Scenario::Parse(yaml, "job.yaml")).simulated.step_time.value();
}

TEST(Issue10Fabric, FailedSpinesSlowTheCollectivesThatStartAfterThem) {
  const double nominal = StepTime(Job(""));
  const ScenarioSimulation early = SimulateScenario(Scenario::Parse(Job(Spines("0s", 16)), "job.yaml"));
  const double late = StepTime(Job(Spines("1h", 16)));  // after the step: nothing changes
  ASSERT_EQ(early.comm_changes.size(), 1u);
  double worst = 1.0;
  for (double f : early.comm_changes[0].factor) worst = std::max(worst, f);
  std::printf(
      "step: nominal %.4f s; 16 spines failed from the start %.4f s (collectives up to x%.2f); after "
      "the step %.4f s\n",
      nominal, early.simulated.step_time.value(), worst, late);
  EXPECT_GT(worst, 1.5);
  EXPECT_GT(early.simulated.step_time.value(), nominal * 1.01);
  EXPECT_DOUBLE_EQ(late, nominal);
  // The command prints the factors: per stage, in JSON.
  const auto cli =
      RunFleetsim({"simulate", WriteTempFile("issue10-spines.yaml", Job(Spines("0s", 16))), "--format", "json"});
  ASSERT_EQ(cli.code, 0) << cli.err;
  const nlohmann::json j = nlohmann::json::parse(cli.out);
  ASSERT_EQ(j["fabric_changes"].size(), 1u);
  EXPECT_EQ(j["fabric_changes"][0]["dp_comm_factor_by_stage"].size(), 8u);
  EXPECT_DOUBLE_EQ(j["step_time_s"].get<double>(), early.simulated.step_time.value());
  // A failure half-way through the step costs less than one from the start.
  const double midway = StepTime(Job(Spines(std::to_string(nominal / 2) + "s", 16)));
  EXPECT_LE(midway, early.simulated.step_time.value());
  EXPECT_GE(midway, nominal);
}

TEST(Issue10Fabric, PipelineTransfersRouteAroundTheFailureToo) {
  // Stage s + 1 is 512 ranks (32 racks) from stage s: every boundary's transfers cross the spines. With 16 of
  // them gone, all 512 pairs of a boundary exchange at once over the rest.
  const ScenarioSimulation failed = SimulateScenario(Scenario::Parse(Job(Spines("0s", 16)), "job.yaml"));
  ASSERT_EQ(failed.comm_changes.size(), 1u);
  const std::vector<double>& pp = failed.comm_changes[0].pp_factor;
  ASSERT_EQ(pp.size(), 7u);  // one per boundary; no wrap-around without interleaving
  double worst = 1.0;
  for (double f : pp) worst = std::max(worst, f);
  std::printf("pipeline transfers with 16 spines failed: up to x%.2f\n", worst);
  EXPECT_GT(worst, 1.5);
  const auto cli =
      RunFleetsim({"simulate", WriteTempFile("issue10-pp.yaml", Job(Spines("0s", 16))), "--format", "json"});
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(nlohmann::json::parse(cli.out)["fabric_changes"][0]["pp_comm_factor_by_boundary"].size(), 7u);
}

TEST(Issue10Fabric, SlowerPipelineTransfersLengthenTheFillAndDrain) {
  // The step simulator alone: every boundary's transfers at 4x from the start. The fill's and the drain's
  // transfers are on the critical path (pp - 1 of each), so the step grows by at least (pp - 1) x 3 x p2p.
  const Scenario s = Scenario::Parse(Job(""), "job.yaml");
  const Plan plan = *FixedPlan(s.training);
  const PipelineCosts costs = Estimator(s.model, s.cluster, s.training).Pipeline(plan);
  StepSimulationOptions options;
  const double nominal = SimulateStep(costs, plan, options).step_time.value();
  options.comm_changes.push_back({0.0, {}, {}, std::vector<double>(static_cast<size_t>(plan.pp - 1), 4.0)});
  const double slow = SimulateStep(costs, plan, options).step_time.value();
  std::printf("step %.4f s; pipeline transfers at 4x: %.4f s (one transfer %.3f ms)\n", nominal, slow,
              costs.p2p.value() * 1e3);
  EXPECT_GE(slow - nominal, (plan.pp - 1) * 3.0 * costs.p2p.value() * 0.99);
}

TEST(Issue10Fabric, ExpertParallelAllToAllsRouteAroundTheFailure) {
  // Mixtral 8x7B with ep8 over eight nodes (tp8 inside each): the all-to-alls cross the ToRs' uplinks.
  const std::string job =
      "name: moe\n"
      "cluster: {accelerator: h100, count: 512, fabric: roce-400-clos}\n"
      "model: mixtral-8x7b\n"
      "training: {seq_len: 4096, global_batch: 512, micro_batch: 1, recompute: none, zero: 1,\n"
      "           parallelism: {tp: 8, pp: 1, dp: 64, ep: 8}}\n";
  const double nominal = StepTime(job);
  const ScenarioSimulation failed = SimulateScenario(Scenario::Parse(job + Spines("0s", 16), "moe.yaml"));
  ASSERT_EQ(failed.comm_changes.size(), 1u);
  ASSERT_EQ(failed.comm_changes[0].ep_factor.size(), 1u);
  std::printf("mixtral ep8: all-to-all x%.2f after 16 spines fail; step %.4f -> %.4f s\n",
              failed.comm_changes[0].ep_factor[0], nominal, failed.simulated.step_time.value());
  EXPECT_GT(failed.comm_changes[0].ep_factor[0], 1.2);
  EXPECT_GT(failed.simulated.step_time.value(), nominal);
}

TEST(Issue10Fabric, AFailureMidPassSlowsOnlyTheAllToAllsAfterIt) {
  // The all-to-alls are operations of their own inside each pass (dispatch and combine around every MoE layer's
  // experts): a failure half-way through the first forward slows the rest of that pass, not its first half.
  const Scenario s = Scenario::Parse(
      "name: moe\n"
      "cluster: {accelerator: h100, count: 512, fabric: roce-400-clos}\n"
      "model: mixtral-8x7b\n"
      "training: {seq_len: 4096, global_batch: 512, micro_batch: 1, recompute: none, zero: 1,\n"
      "           parallelism: {tp: 8, pp: 1, dp: 64, ep: 8}}\n",
      "moe.yaml");
  const Plan plan = *FixedPlan(s.training);
  const PipelineCosts costs = Estimator(s.model, s.cluster, s.training).Pipeline(plan);
  ASSERT_GT(costs.layer_ep_comm.value(), 0.0);
  StepSimulationOptions options;
  options.record_spans = true;
  auto first_pass = [&](double at_s) {
    options.comm_changes.clear();
    if (at_s >= 0) options.comm_changes.push_back({at_s, {}, {4.0}, {}});
    const StepSimulation step = SimulateStep(costs, plan, options);
    for (const SimSpan& span : step.spans) {
      if (span.stream == 0) return span.duration_s;
    }
    return 0.0;
  };
  const double nominal = first_pass(-1);
  const double from_start = first_pass(0.0);
  const double midway = first_pass(nominal / 2);
  std::printf("first forward: nominal %.3f ms, all-to-alls at 4x from the start %.3f ms, from half-way %.3f ms\n",
              nominal * 1e3, from_start * 1e3, midway * 1e3);
  EXPECT_GT(from_start, nominal);
  EXPECT_GT(midway, nominal);
  EXPECT_LT(midway, from_start);
  // The all-to-alls are in the trace, each with its size (tokens x top-k x hidden x 2 bytes).
  const StepSimulation step = SimulateStep(costs, plan, options);
  int all_to_alls = 0;
  for (const SimSpan& span : step.spans) {
    if (span.stream != 2 || span.op != PassCollective::kExpertParallel) continue;
    ++all_to_alls;
    EXPECT_DOUBLE_EQ(span.bytes, 4096.0 * 2 * 4096 * 2);
  }
  EXPECT_EQ(all_to_alls, 2 * 2 * 32 * static_cast<int>(costs.micro_batches));  // per pass: 2 per layer, 32 layers
}

TEST(Issue10Fabric, AFailedLinkBetweenTwoSwitchesIsRoutedAround) {
  // One ToR's uplink to one spine, against that spine failing (every ToR's uplink to it): the rings and the
  // step see the link's loss no more than the switch's.
  const ScenarioSimulation link = SimulateScenario(
      Scenario::Parse(Job("simulation:\n  failures:\n    - {at: 0s, link: {leaf: 0, spine: 0}}\n"), "job.yaml"));
  const ScenarioSimulation spine = SimulateScenario(Scenario::Parse(Job(Spines("0s", 1)), "job.yaml"));
  ASSERT_EQ(link.comm_changes.size(), 1u);
  for (size_t s = 0; s < link.comm_changes[0].factor.size(); ++s) {
    EXPECT_GE(link.comm_changes[0].factor[s], 0.99);
    EXPECT_LE(link.comm_changes[0].factor[s], spine.comm_changes[0].factor[s] + 1e-9);
  }
  EXPECT_LE(link.simulated.step_time.value(), spine.simulated.step_time.value() + 1e-9);
  // A link joins a switch to one of the next tier, and only switches that are linked.
  const std::string skip = WriteTempFile(
      "issue10-link.yaml", Job("simulation:\n  failures:\n    - {at: 0s, link: {leaf: 0, core: 1}}\n"));
  const auto r = RunFleetsim({"simulate", skip});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find(skip + ":14: error: simulation.failures[0].link: a link joins a switch to one of the next tier"),
      std::string::npos)
      << r.err;
}

TEST(Issue10Fabric, AFailureThatCutsDevicesOffStopsTheStepWithAnError) {
  // A ToR is the only way out of its rack: its 16 GPUs are cut off.
  const std::string path = WriteTempFile(
      "issue10-leaf.yaml", Job("simulation:\n  failures:\n    - {at: 1s, switch: leaf, index: 0}\n"));
  const auto r = RunFleetsim({"simulate", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(path + ":14: error: simulation.failures: after the failure at 1 s"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("cannot complete"), std::string::npos) << r.err;
}

TEST(Issue10Fabric, BadFailuresAreErrorsAtTheirLine) {
  const std::string tier = WriteTempFile(
      "issue10-tier.yaml", Job("simulation:\n  failures:\n    - {at: 1s, switch: spline, index: 0}\n"));
  const auto t = RunFleetsim({"simulate", tier});
  EXPECT_EQ(t.code, 2);
  EXPECT_NE(t.err.find(tier + ":14: error:"), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("spine"), std::string::npos) << t.err;  // says what is allowed
  const std::string index = WriteTempFile(
      "issue10-index.yaml", Job("simulation:\n  failures:\n    - {at: 1s, switch: spine, index: 100000}\n"));
  const auto i = RunFleetsim({"simulate", index});
  EXPECT_EQ(i.code, 2);
  EXPECT_NE(i.err.find(index + ":14: error: simulation.failures: spine switch 100000 does not exist"),
            std::string::npos)
      << i.err;
  const std::string when = WriteTempFile(
      "issue10-when.yaml", Job("simulation:\n  failures:\n    - {at: -1s, switch: spine, index: 0}\n"));
  const auto w = RunFleetsim({"simulate", when});
  EXPECT_EQ(w.code, 2);
  EXPECT_NE(w.err.find(when + ":14: error:"), std::string::npos) << w.err;
}

// Two Llama 3 70B jobs of 2,048 H100 on Meta's ToR fabric, each reducing its gradients after the backward.
std::string Pair(const std::string& placement) {
  const std::string neighbour = WriteTempFile("issue10-neighbour.yaml",
                                              "name: neighbour\n"
                                              "cluster: {accelerator: h100, count: 2048, fabric: roce-400-clos}\n"
                                              "model: llama3-70b\n"
                                              "training: {seq_len: 8192, global_batch: 512, micro_batch: 1, "
                                              "recompute: none, zero: 1, parallelism: {tp: 8, pp: 1, dp: 256}}\n");
  std::string job =
      "name: ours\n"
      "cluster: {accelerator: h100, count: 2048, fabric: roce-400-clos}\n"
      "model: llama3-70b\n"
      "training: {seq_len: 8192, global_batch: 512, micro_batch: 1, recompute: none, zero: 1,\n"
      "           stack: {preset: generic, dp_overlap: false}, parallelism: {tp: 8, pp: 1, dp: 256}}\n";
  if (!placement.empty()) {
    job += "simulation:\n  neighbour: {scenario: " + neighbour + ", placement: " + placement + "}\n";
  }
  return job;
}

TEST(Issue10Fabric, ANeighbourJobSlowsTheReductionWhereTheJobsShareRacks) {
  const double alone = StepTime(Pair(""));
  const ScenarioSimulation after = SimulateScenario(Scenario::Parse(Pair("after"), "ours.yaml"));
  const ScenarioSimulation mixed = SimulateScenario(Scenario::Parse(Pair("interleaved"), "ours.yaml"));
  ASSERT_EQ(mixed.comm_changes.size(), 1u);
  std::printf("alone %.4f s; neighbour in other racks %.4f s (x%.3f); on every other node %.4f s (x%.3f)\n", alone,
              after.simulated.step_time.value(), after.comm_changes[0].factor[0],
              mixed.simulated.step_time.value(), mixed.comm_changes[0].factor[0]);
  // In racks of its own the neighbour's rings meet this job's nowhere; on every other node they share the ToRs'
  // uplinks.
  EXPECT_DOUBLE_EQ(after.simulated.step_time.value(), alone);
  EXPECT_GT(mixed.comm_changes[0].factor[0], 1.1);
  EXPECT_GT(mixed.simulated.step_time.value(), alone * 1.02);
}

TEST(Issue10Fabric, ANeighbourOnAnotherFabricOrOfAnotherSizeIsAnError) {
  const std::string other = WriteTempFile("issue10-other.yaml",
                                          "name: other\n"
                                          "cluster: {accelerator: h100, count: 1024, fabric: ib-ndr-400-clos}\n"
                                          "model: llama3-70b\n"
                                          "training: {seq_len: 8192, global_batch: 512, micro_batch: 1, "
                                          "recompute: none, zero: 1, parallelism: {tp: 8, pp: 1, dp: 128}}\n");
  const std::string job = WriteTempFile(
      "issue10-pair.yaml", Job("simulation:\n  neighbour: {scenario: " + other + ", placement: interleaved}\n"));
  const auto r = RunFleetsim({"simulate", job});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(job + ":13: error: simulation.neighbour:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("same accelerator, node and fabric"), std::string::npos) << r.err;
  const std::string missing =
      WriteTempFile("issue10-missing.yaml", Job("simulation:\n  neighbour: {scenario: /nonexistent/job.yaml}\n"));
  const auto m = RunFleetsim({"simulate", missing});
  EXPECT_EQ(m.code, 2);
  EXPECT_NE(m.err.find("/nonexistent/job.yaml"), std::string::npos) << m.err;
}

}  // namespace
}  // namespace fleetsim
