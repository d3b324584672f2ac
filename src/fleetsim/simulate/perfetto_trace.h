// Perfetto (Chrome trace-event JSON) of a simulated step, which ui.perfetto.dev and chrome://tracing open: one
// process per pipeline stage (its representative device), with a compute track (forward, backward and
// weight-gradient passes) and a data-parallel communication track (gradient reductions and parameter gathers).
// The trace holds representatives only, so its size grows with stages and micro-batches, not with devices.
#pragma once

#include <nlohmann/json.hpp>

#include "fleetsim/simulate/step_simulator.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

nlohmann::json ChromeTrace(const StepSimulation& sim, const Plan& plan, const PipelineCosts& costs);

}  // namespace fleetsim
