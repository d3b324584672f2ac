// EstimateScenario: a scenario's plan, with every `auto` field chosen by plan search, evaluated by the Estimator.
// It sits above both estimate/ (which evaluates a given plan and never searches) and search/ (which enumerates
// and scores plans with the Estimator), so that neither module depends on the other's caller; `estimate`,
// `cost`, `reliability` and `validate` reach the estimator through it, and `search` and `demo` call search/.
#pragma once

#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

// Evaluates the scenario's plan, choosing every `auto` field (micro_batch, vpp, recompute, zero, or the whole
// parallelism when omitted) as `fleetsim search` would: the fastest plan that fits in memory, or the one needing
// least memory when none fits. The result's `auto_chosen` lists what was chosen. No valid plan: InputError.
StepResult EstimateScenario(const Scenario& scenario);

}  // namespace fleetsim
