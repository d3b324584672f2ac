// SimulateScenario: `fleetsim simulate` on one scenario. Resolves the plan as `estimate` does (every `auto`
// field), prices its passes with the estimator's physics, executes the step on the event engine (StepSimulator)
// with the schedule and stragglers of the scenario's `simulation:` section, and reports the result in the
// estimate's terms (a StepResult, so both executors print the same keys) beside the estimate itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/simulate/step_simulator.h"

namespace fleetsim {

struct ScenarioSimulation {
  StepResult estimate;   // the analytical executor on the same plan
  StepResult simulated;  // the simulated step, in the estimate's keys
  StepSimulation step;   // of the slowest replica (the one every replica waits for)
  PipelineCosts costs;   // what the passes and collectives cost (the trace reads sizes from them)
  int64_t stragglers = 0;
  int slow_replicas_simulated = 0;  // distinct pipelines with a straggler, each simulated (in the first step)
  // A job sharing the fabric and switches failing during the step (`simulation.neighbour`, `.failures`): from
  // each change on, every stage's data-parallel collectives take its factor times as long (FabricChanges).
  std::vector<CommChange> comm_changes;
  // Every step's time, in order (`simulation.steps` / --steps). Stragglers are drawn again for each step (the
  // first step's draw is the seed's), so steps differ only where stragglers are; `step` and `simulated` are the
  // first step's.
  std::vector<double> step_times_s;
  double wall_s = 0;  // host time the simulation took
};

struct SimulateOptions {
  bool record_spans = false;
  std::optional<PipelineSchedule> schedule;  // overrides the scenario's
  std::optional<int> steps;                  // overrides the scenario's `simulation.steps`
  // Hears of the passes simulated (done, total over every replica simulated); may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

ScenarioSimulation SimulateScenario(const Scenario& scenario, const SimulateOptions& options = {});

// The schedule a plan runs when none is named: interleaved 1F1B with vpp > 1, else 1F1B.
PipelineSchedule DefaultSchedule(const Plan& plan);

}  // namespace fleetsim
