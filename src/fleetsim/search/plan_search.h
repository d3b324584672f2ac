// Plan search: enumerates every valid parallelism plan (tp, pp, dp, cp, ep, vpp, micro-batch, recomputation,
// ZeRO stage) for a model on a cluster, checks each against device memory, scores it with the Estimator and keeps
// the fastest. Fields fixed by the scenario are held; the rest range over their valid values. Cost is linear in
// the number of plans; per-layer costs are shared between plans through the estimator's cache.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "fleetsim/estimate/estimator.h"

namespace fleetsim {

// Values the search must hold fixed (empty: free).
struct PlanConstraints {
  std::optional<int> tp, pp, dp, cp, ep, vpp;
  std::optional<int64_t> micro_batch;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
  std::optional<int> zero;

  // What a scenario fixes: its parallelism (if given), micro_batch, vpp, recompute, sequence_parallel, zero.
  static PlanConstraints FromTraining(const TrainingSpec& training);
};

struct RankedPlan {
  Plan plan;
  Seconds step_time;
  Bytes memory;
  bool fits = false;
};

struct SearchResult {
  std::vector<RankedPlan> best;        // fastest first; plans that fit in memory only (unless none does)
  int64_t evaluated = 0;               // plans scored
  int64_t fitting = 0;                 // of which fit in memory
  std::optional<RankedPlan> smallest;  // the plan needing least memory, for "nothing fits" reports
};

// Searches the plan space; keeps the `top` fastest plans that fit (ties broken by less memory, then plan order).
// `progress`, when set, hears of the tensor-parallel sizes searched (done, total).
SearchResult SearchPlans(const Estimator& estimator, const ModelSpec& model, const ClusterSpec& cluster,
                         const TrainingSpec& training, const PlanConstraints& constraints, size_t top,
                         const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace fleetsim
