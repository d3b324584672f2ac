// StepSimulator: one training step executed on the discrete-event engine, pass by pass, instead of the
// estimator's closed form. Every pipeline stage is one representative device (the tensor-, context- and
// data-parallel ranks of a stage run the same passes at the same times), with a compute stream that runs the
// stage's forward and backward passes in its schedule's order (PipelineSchedule) and a communication stream that
// runs the data-parallel collectives (gradient reduction, ZeRO/FSDP parameter gathers) beside it. A pass is the
// sequence of its layers' operations: per layer the tensor-parallel collectives around the attention block and
// the MLP, the context-parallel key/value exchange, the expert all-to-alls around the experts (each the share
// the stack leaves exposed) and the compute between them. A pass starts
// when its stream is free and its input has arrived: the previous stage's activation (forward) or the next
// stage's gradient (backward), after the point-to-point transfer. Pass costs come from the estimator's kernel
// and communication models (PipelineCosts), so both executors share one physics; what differs is that the
// schedule, the bubbles and the overlap of communication are executed, not assumed.
//
// A straggler (one device computing slower) breaks the symmetry: its stage in its data-parallel replica runs
// slower, and since every replica waits for the slowest at the gradient reduction, that replica's pipeline is the
// one simulated. A fabric switch failing during the step changes the time of the collectives that start after it
// (CommChange).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"
#include "fleetsim/estimate/estimator.h"
#include "fleetsim/simulate/pipeline_schedule.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

// From `at_s` on (until a later change), each stage's data-parallel collectives take `factor[stage]` times their
// nominal time, the expert-parallel all-to-all inside its passes `ep_factor[stage]` times, and the pipeline
// transfers across the boundary after stage s (to stage s + 1, or to stage 0 from the last) `pp_factor[s]` times:
// a fabric switch failed then, and the flow network routes them around it.
struct CommChange {
  double at_s = 0;
  std::vector<double> factor;     // per stage; missing stages: 1
  std::vector<double> ep_factor;  // per stage; empty without expert parallelism
  std::vector<double> pp_factor;  // per stage boundary; empty without pipeline parallelism
};

struct StepSimulationOptions {
  PipelineSchedule schedule = PipelineSchedule::kOneFOneB;
  // Per stage, how many times as long its passes take (a straggler in it); empty or 1: nominal speed.
  std::vector<double> stage_slowdown;
  // In time order. A collective takes the factor in force when it starts.
  std::vector<CommChange> comm_changes;
  bool record_spans = false;     // keep every pass and collective for a trace
  size_t max_spans = 2'000'000;  // spans kept at most (a trace of a huge run stays bounded)
  // Hears of the passes finished (done, of all passes in the step), every few thousand; may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

// What one stage's representative device did during the step.
struct StageActivity {
  int64_t layers = 0;
  Seconds compute_busy;  // running passes
  Seconds comm_busy;     // running data-parallel collectives
  Seconds compute_end;   // its last pass ended
  Seconds end;           // its last pass or collective ended
  Seconds waiting;       // compute stream idle before compute_end: waiting for inputs (bubbles, slower stages)
  Seconds fabric_extra;  // what a degraded fabric added to the all-to-alls inside its passes (in compute_busy)
  // What sharing its NIC with its own data-parallel collectives added to its pipeline transfers and to the
  // expert all-to-alls and key/value exchanges inside its passes that leave the scale-up domain.
  Seconds nic_contention;
};

// What a collective inside a pass is (SimSpan::op).
enum class PassCollective : int8_t { kNone, kTensorParallel, kContextParallel, kExpertParallel };

// One pass or collective, for traces. stream 0: compute (a whole pass), 1: data-parallel communication, 2: the
// collectives inside a pass (its exposed tensor-, context- and expert-parallel communication, which the compute
// stream waits for), 3: the optimizer step.
struct SimSpan {
  int32_t stage = 0;
  int32_t stream = 0;
  PassKind kind = PassKind::kForward;  // for compute spans and the collectives inside them
  int32_t micro_batch = -1;
  int32_t chunk = 0;
  bool reduce = false;  // communication: gradient reduction (true) or parameter gather (false)
  double start_s = 0;
  double duration_s = 0;
  PassCollective op = PassCollective::kNone;  // stream 2
  int32_t layer = -1;                         // stream 2: the layer of the pass (0 = its first)
  double bytes = 0;                           // stream 2: what the collective moves per device
};

struct StepSimulation {
  PipelineSchedule schedule = PipelineSchedule::kOneFOneB;
  Seconds step_time;  // pipeline + exposed data-parallel tail + optimizer + synchronisation wait
  Seconds optimizer;
  Seconds sync_wait;
  int critical_stage = 0;  // the stage whose work ended last
  std::vector<StageActivity> stages;
  std::vector<SimSpan> spans;
  bool spans_truncated = false;
  uint64_t events = 0;
};

// The buckets one chunk's gradient reduction is issued in: one per layer of an average stage's chunk (every stage
// the same count, so that the stages' collectives pair up in an export), each as its layers' gradients are done.
int ReductionBuckets(const PipelineCosts& costs, int pp, int chunks);

// Simulates one step of `plan` with the given costs. Deterministic.
StepSimulation SimulateStep(const PipelineCosts& costs, const Plan& plan, const StepSimulationOptions& options);

}  // namespace fleetsim
