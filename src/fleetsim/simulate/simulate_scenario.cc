#include "fleetsim/simulate/simulate_scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "fleetsim/core/error.h"
#include "fleetsim/estimate/estimator.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/reliability/rng.h"
#include "fleetsim/simulate/fabric_changes.h"
#include "fleetsim/simulate/rank_layout.h"

namespace fleetsim {
namespace {

// About a second of engine time and a few hundred MB: beyond any real training step's schedule.
constexpr double kMaxPasses = 1e7;
// The random stream that draws the stragglers of the steps after the first.
constexpr uint64_t kStepSeedStream = 0x57e95;

// The stage slowdowns of every data-parallel replica that holds a straggler: `count` distinct devices drawn with
// the seed, ranks laid out as RankLayout places them. Distinct patterns only, in a stable order.
std::vector<std::vector<double>> StragglerPatterns(const StragglerSpec& spec, const Plan& plan, int64_t devices) {
  std::vector<std::vector<double>> patterns;
  if (spec.count <= 0 || spec.slowdown <= 1.0) return patterns;
  const RankLayout layout(plan, devices);
  Rng rng(spec.seed);
  std::set<int64_t> chosen;
  // Drawing distinct devices: at most `count` <= devices draws succeed; bounded retries keep it finite.
  for (int64_t tries = 0; static_cast<int64_t>(chosen.size()) < spec.count && tries < 64 * spec.count + 64;
       ++tries) {
    chosen.insert(std::min(devices - 1, static_cast<int64_t>(rng.Uniform() * static_cast<double>(devices))));
  }
  std::map<int64_t, std::vector<double>> by_replica;
  for (int64_t device : chosen) {
    auto [it, fresh] =
        by_replica.try_emplace(layout.Replica(device), std::vector<double>(static_cast<size_t>(plan.pp), 1.0));
    it->second[static_cast<size_t>(layout.Stage(device))] =
        spec.slowdown;  // one slow device slows its whole TP/CP group
  }
  std::set<std::vector<double>> distinct;
  for (const auto& [replica, pattern] : by_replica) distinct.insert(pattern);
  patterns.assign(distinct.begin(), distinct.end());
  return patterns;
}

// The simulated step in the estimate's terms: the stage that ended last sets the breakdown (its passes, split
// into compute and the exposed communication they contain; its waits; its collectives after the last pass).
StepResult ToStepResult(const StepResult& estimate, const StepSimulation& sim, const PipelineCosts& costs) {
  StepResult r = estimate;
  const StageActivity& crit = sim.stages[static_cast<size_t>(sim.critical_stage)];
  const double passes = static_cast<double>(crit.layers) * static_cast<double>(costs.micro_batches);
  StepBreakdown& b = r.breakdown;
  b = StepBreakdown{};
  b.tp_comm = costs.layer_tp_comm * passes;
  b.cp_comm = costs.layer_cp_comm * passes;
  b.ep_comm = costs.layer_ep_comm * passes + crit.fabric_extra;
  b.compute = crit.compute_busy - b.tp_comm - b.cp_comm - b.ep_comm;
  b.pp_bubble = crit.waiting;
  b.dp_comm = crit.end - crit.compute_end;
  b.optimizer = sim.optimizer;
  b.sync_wait = sim.sync_wait;
  r.step_time = sim.step_time;
  const double scale = estimate.step_time / sim.step_time;
  r.tokens_per_s = estimate.tokens_per_s * scale;
  r.model_tflops_per_device = estimate.model_tflops_per_device * scale;
  r.mfu = estimate.mfu * scale;
  r.hfu = estimate.hfu * scale;
  if (estimate.time_to_train) r.time_to_train = *estimate.time_to_train / scale;
  return r;
}

}  // namespace

PipelineSchedule DefaultSchedule(const Plan& plan) {
  return plan.vpp > 1 ? PipelineSchedule::kInterleaved : PipelineSchedule::kOneFOneB;
}

ScenarioSimulation SimulateScenario(const Scenario& scenario, const SimulateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ScenarioSimulation out;
  out.estimate = EstimateScenario(scenario);
  const Plan& plan = out.estimate.plan;
  const Estimator estimator(scenario.model, scenario.cluster, scenario.training);
  out.costs = estimator.Pipeline(plan);
  const PipelineCosts& costs = out.costs;
  const SimulationSpec spec = scenario.simulation.value_or(SimulationSpec{});

  // Every pass of every stage's representative is an event or two: bound the work before starting it.
  const int chunks_per_stage = plan.vpp > 1 ? plan.vpp : 1;
  const double passes = 2.0 * static_cast<double>(plan.pp) * static_cast<double>(costs.micro_batches) *
                        static_cast<double>(chunks_per_stage);
  if (passes > kMaxPasses) {
    throw InputError(scenario.file, 0,
                     fmt::format("simulate: the step has {:.3g} passes (2 x {} stages x {} micro-batches x {} "
                                 "chunks); at most {:.0e} are simulated (raise micro_batch or lower global_batch)",
                                 passes, plan.pp, costs.micro_batches, chunks_per_stage, kMaxPasses));
  }
  StepSimulationOptions o;
  o.schedule = options.schedule ? *options.schedule : spec.schedule ? *spec.schedule : DefaultSchedule(plan);
  o.record_spans = options.record_spans;
  out.comm_changes = FabricChanges(scenario, plan, costs);
  o.comm_changes = out.comm_changes;
  out.stragglers = spec.stragglers.count;
  const int steps = options.steps.value_or(spec.steps);
  // A replica's step time by its stages' slowdowns: the same pattern in another step takes the same time.
  std::map<std::vector<double>, double> solved;
  for (int step = 0; step < steps; ++step) {
    StragglerSpec draw = spec.stragglers;
    if (step > 0) draw.seed = MixSeed(spec.stragglers.seed, kStepSeedStream, static_cast<uint64_t>(step));
    std::vector<std::vector<double>> patterns = StragglerPatterns(draw, plan, scenario.cluster.count);
    if (patterns.empty()) patterns.push_back({});
    if (step == 0) {
      out.slow_replicas_simulated = static_cast<int>(patterns.size()) - (patterns.front().empty() ? 1 : 0);
    }
    double step_time = 0;
    int64_t replica = 0;
    for (const std::vector<double>& pattern : patterns) {
      const auto known = solved.find(pattern);
      if (known != solved.end() && step > 0) {
        step_time = std::max(step_time, known->second);
        continue;
      }
      o.stage_slowdown = pattern;
      o.record_spans = options.record_spans && step == 0;
      if (options.progress) {
        const int64_t runs = static_cast<int64_t>(patterns.size()) * steps;
        const int64_t run = static_cast<int64_t>(step) * static_cast<int64_t>(patterns.size()) + replica;
        o.progress = [&options, run, runs](int64_t done, int64_t total) {
          options.progress(run * total + done, runs * total);
        };
      }
      ++replica;
      StepSimulation sim = SimulateStep(costs, plan, o);
      solved[pattern] = sim.step_time.value();
      step_time = std::max(step_time, sim.step_time.value());
      if (step == 0 && (replica == 1 || sim.step_time > out.step.step_time)) out.step = std::move(sim);
    }
    out.step_times_s.push_back(step_time);
  }
  out.simulated = ToStepResult(out.estimate, out.step, costs);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace fleetsim
