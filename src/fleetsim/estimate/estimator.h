// Estimator: the analytical (closed-form) executor. For one model on one cluster it turns a Plan into a
// StepResult in about a microsecond: per-layer compute from the kernel model, exposed communication from the
// closed-form collectives on the group's network levels, the pipeline schedule (1F1B, interleaved) with uneven
// stages, data-parallel synchronisation with the overlap the schedule allows, and the optimizer step.
// docs/estimator.md describes the model; validation/training_test.cc measures it against published runs.
// Not thread-safe (it caches per-layer costs): use one Estimator per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/estimate/kernel_model.h"
#include "fleetsim/estimate/layer_cost.h"
#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {

class Estimator {
 public:
  // `model`, `cluster` and `training` must outlive the estimator.
  Estimator(const ModelSpec& model, const ClusterSpec& cluster, const TrainingSpec& training);

  // Full result for a valid plan (tp*pp*dp*cp = count, divisibility checked by the caller).
  StepResult Evaluate(const Plan& plan) const;
  // Step time and memory only: the hot path of plan search.
  struct Quick {
    Seconds step_time;
    Bytes memory;
    bool fits = false;
  };
  Quick Score(const Plan& plan) const;

  const ParamCounts& params() const { return params_; }
  Bytes capacity() const { return cluster_.accelerator.memory_capacity; }

 private:
  struct StageCosts {
    LayerCost dense;
    LayerCost moe;
    HeadCost head;
  };
  const StageCosts& Costs(const Plan& plan) const;
  StepBreakdown Breakdown(const Plan& plan) const;

  const ModelSpec& model_;
  const ClusterSpec& cluster_;
  const TrainingSpec& training_;
  ParamCounts params_;
  double model_flops_per_token_;
  GroupLevels levels_;
  KernelModel kernels_;
  LayerCostModel layers_;
  mutable std::unordered_map<uint64_t, StageCosts> cache_;
};

// The plan a scenario's training section fixes in full (parallelism, micro_batch, recompute, zero, and vpp when
// pp > 1); nullopt when any of them is `auto`. Choosing `auto` fields is plan search's job
// (planner/estimate_scenario.h), not the estimator's.
std::optional<Plan> FixedPlan(const TrainingSpec& training);

}  // namespace fleetsim
