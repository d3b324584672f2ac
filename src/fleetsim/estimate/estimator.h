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
#include <utility>
#include <vector>

#include "fleetsim/collective/collective.h"
#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/estimate/kernel_model.h"
#include "fleetsim/estimate/layer_cost.h"
#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/workload/memory.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {

// Which traffic leaves the scale-up domain through the devices' NICs (the scale-out fabric), where it shares them:
// the data-parallel collectives, the pipeline transfers, the expert all-to-alls, the context exchange.
struct NicUse {
  bool dp = false;
  bool pp = false;
  bool ep = false;
  bool cp = false;
};

// A plan's costs in the pieces a schedule is made of, priced by the estimator's physics, for an executor that
// runs the schedule itself (the step simulator) instead of the closed form. Per device of a stage.
struct PipelineCosts {
  std::vector<int64_t> stage_layers;  // layers on each pipeline stage (the last one also runs the head)
  Seconds layer_forward;      // one layer, one micro-batch: forward compute and its exposed TP/CP/EP communication
  Seconds layer_backward;     // the same for the backward pass, recomputation included
  Seconds layer_weight_grad;  // the share of `layer_backward` that computes weight gradients (what ZB-H1 defers)
  Seconds layer_tp_comm;      // the exposed communication inside those passes, forward and backward together
  Seconds layer_cp_comm;
  Seconds layer_ep_comm;
  // The same split by pass, for the step simulator's operations inside a pass: the forward pass's share of the
  // exposed communication (the backward has the rest), and the attention kernels' share of each pass's compute.
  // layer_forward = compute_forward + tp_forward + cp_forward + ep_forward; likewise backward.
  Seconds layer_compute_forward;
  Seconds layer_compute_backward;  // recomputation included
  Seconds layer_attention_forward;
  Seconds layer_attention_backward;
  Seconds layer_tp_forward;
  Seconds layer_cp_forward;
  Seconds layer_ep_forward;
  // What one such collective moves per device (for traces): the tensor-parallel all-gather/reduce-scatter (or
  // all-reduce) of a layer's activations, the context-parallel key/value exchange, one expert all-to-all.
  double tp_bytes = 0;
  double cp_bytes = 0;
  double ep_bytes = 0;
  NicUse nic;            // which of the step's traffic shares the devices' NICs
  Seconds head_forward;  // logits and loss of one micro-batch, on the last stage
  Seconds head_backward;
  Seconds p2p;              // one micro-batch's activation (or its gradient) across a stage boundary inside a site
  Seconds boundary;         // the same across the slowest boundary (the WAN when stages straddle sites)
  double p2p_bytes = 0;     // what one such transfer moves, per device
  int stages_per_site = 0;  // > 0: the boundary after every this many stages crosses the WAN (uses `boundary`)
  bool pp_async = true;     // transfers do not hold the sending stage's compute (the stack's pp_overlap)
  Seconds dp_reduce;        // one stage's gradient all-reduce (ZeRO 0) or reduce-scatter, per issue
  Seconds dp_gather;        // one stage's parameter all-gather (ZeRO >= 1), per issue
  double dp_reduce_bytes = 0;  // what those collectives move per device (its whole buffer)
  double dp_gather_bytes = 0;
  int64_t dp_ranks = 1;
  bool dp_overlap = true;                 // the reduction may run during the backward (the stack's dp_overlap)
  bool reduce_every_micro_batch = false;  // ZeRO-2/3 with sharded accumulation
  bool gather_every_micro_batch = false;  // ZeRO-3: forward and backward gather the weights each micro-batch
  Seconds optimizer;
  double sync_jitter = 0;  // the step's wait for the slowest device, as a fraction of a stage's busy time
  int64_t micro_batches = 1;
};

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
  // The plan's costs for an executor that runs the schedule itself.
  PipelineCosts Pipeline(const Plan& plan) const;

  const ParamCounts& params() const { return params_; }
  Bytes capacity() const { return cluster_.accelerator.memory_capacity; }

 private:
  struct StageCosts {
    LayerCost dense;
    LayerCost moe;
    HeadCost head;
  };
  // How whole layers split over the pipeline stages: the last stage, which carries the logits, gets
  // `last_layers`; the others share the rest as evenly as whole layers allow. `busiest_layers` are on the stage
  // that sets the pace, which holds the head when `head_on_busiest`.
  struct StageSplit {
    double busiest_layers = 0;
    bool head_on_busiest = true;
    int64_t last_layers = 0;
  };
  const StageCosts& Costs(const Plan& plan) const;
  StageSplit SplitStages(const Plan& plan, Seconds layer_total, Seconds head) const;
  // One stage's data-parallel collective of its parameters at `bytes_per_param` (dense and expert groups), issued
  // as `pieces` collectives of equal size (one per layer for FSDP's per-layer gathers and reduce-scatters): each
  // piece pays the collective's latency.
  Seconds DataParallelTime(const Plan& plan, CollectiveOp op, double bytes_per_param, int64_t pieces = 1) const;
  // The collectives one data-parallel pass over a stage's parameters is issued as: one per layer when the
  // parameters are sharded per layer (ZeRO-3 gathers; ZeRO-2/3 reduce-scatters of every micro-batch), else one.
  int64_t DataParallelPieces(const Plan& plan, bool per_layer) const;
  // ZeRO-2/3 with sharded accumulation: every micro-batch's gradients are reduce-scattered during its backward.
  bool ReducesEveryMicroBatch(const Plan& plan) const;
  // One stage's gradient reduction per issue (all-reduce without ZeRO, else reduce-scatter) and its weights'
  // all-gather, each in the pieces DataParallelPieces gives (the estimate and the step simulator share these).
  Seconds GradientReductionTime(const Plan& plan) const;
  Seconds WeightGatherTime(const Plan& plan) const;
  NicUse NicTraffic(const Plan& plan) const;
  // Bytes of one micro-batch's activation across a stage boundary, per device.
  double StageTransferBytes(const Plan& plan) const;
  // One micro-batch's activation across a stage boundary: inside a site, and across the slowest boundary.
  std::pair<Seconds, Seconds> StageTransfer(const Plan& plan) const;
  // The optimizer step over the parameters one device updates.
  Seconds OptimizerStep(const Plan& plan, const DeviceParams& device) const;
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
