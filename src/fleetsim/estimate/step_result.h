// StepResult: what an executor (the analytical estimator now, the event-driven simulator later) says about one
// training step of a plan: its time and where the time goes, throughput, MFU/HFU and memory per device. The
// breakdown terms add up to the step time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"
#include "fleetsim/workload/memory.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

struct StepBreakdown {
  Seconds compute;    // matrix multiplies, attention, element-wise kernels of the busiest stage
  Seconds tp_comm;    // exposed tensor/sequence-parallel collectives
  Seconds cp_comm;    // exposed context-parallel key/value exchange
  Seconds ep_comm;    // exposed expert-parallel all-to-all
  Seconds pp_comm;    // exposed pipeline point-to-point transfers
  Seconds pp_bubble;  // pipeline fill and drain, and waiting on a slower stage
  Seconds dp_comm;    // exposed data-parallel gradient and parameter collectives
  Seconds optimizer;  // optimizer step
  Seconds sync_wait;  // waiting for the slowest device at the step's synchronisation (stack jitter)

  Seconds Total() const {
    return compute + tp_comm + cp_comm + ep_comm + pp_comm + pp_bubble + dp_comm + optimizer + sync_wait;
  }
};

struct StepResult {
  Plan plan;
  Seconds step_time;
  double tokens_per_step = 0;
  double tokens_per_s = 0;
  double model_flops_per_step = 0;
  double model_tflops_per_device = 0;  // model FLOP/s per device, in units of 1e12
  double mfu = 0;
  double hfu = 0;
  StepBreakdown breakdown;
  MemoryBreakdown memory;
  Bytes capacity;
  bool fits = true;
  std::optional<Seconds> time_to_train;
  std::vector<std::string> auto_chosen;  // "micro_batch=2 (auto)", ...
};

}  // namespace fleetsim
