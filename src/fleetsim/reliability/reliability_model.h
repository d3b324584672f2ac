// ReliabilityModel: Monte Carlo of a whole training run under failures. Each trial draws the failures of every
// component class as one superposed Poisson process (exponential gaps at the total rate, the cause chosen by
// weight), and walks the run's timeline: training in checkpoint cycles, detection, replacement, restart, restore,
// recomputation since the last usable checkpoint, waits for repair, elastic shrink. O(1) work and no allocation
// per event; deterministic for a seed. Observes a run: it needs only the fleet, the run length, the checkpoint
// size and (optionally) the step time, never the executors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"
#include "fleetsim/reliability/fleet_shape.h"
#include "fleetsim/reliability/recovery_policy.h"
#include "fleetsim/reliability/reliability_spec.h"

namespace fleetsim {

// What the model needs to know about the job.
struct ReliabilityInputs {
  FleetShape fleet;
  std::optional<Seconds> duration;  // run for this long (wall clock), or
  std::optional<Seconds> work;      // until this much failure-free training time is done (tokens / tokens_per_s)
  Bytes checkpoint_size;            // whole model state written by a checkpoint
  Bandwidth in_memory_bandwidth;    // per accelerator, to a peer host's memory
  Seconds ocs_reconfigure;          // the fabric's optical switching time; 0 without OCS
};

struct Percentiles {
  double mean = 0.0;
  double p5 = 0.0;
  double p95 = 0.0;
};

// Time lost per trial by kind (seconds, means over trials). With `useful` they add up to the elapsed time.
struct TimeLost {
  double detection = 0.0;    // failure to diagnosis
  double replacement = 0.0;  // swapping in a replacement, including waits for spares or repair
  double restart = 0.0;      // re-scheduling, process start, communicator set-up
  double restore = 0.0;      // reading the checkpoint back
  double recompute = 0.0;    // work done since the last usable checkpoint, done again
  double checkpoint = 0.0;   // time training stood still writing checkpoints
  double degraded = 0.0;     // capacity missing while shrunk (elastic)
};

// The checkpoint schedule the trials use and the closed forms behind it (seconds).
struct CheckpointPlan {
  double size_bytes = 0.0;
  double storage_write_s = 0.0;     // delta: size / storage bandwidth
  double storage_interval_s = 0.0;  // training time between storage checkpoints
  double storage_mtti_s = 0.0;      // mean time between failures that roll back to storage
  double young_s = 0.0;             // Young 1974 optimum for the storage tier
  double daly_s = 0.0;              // Daly 2006 optimum for the storage tier
  bool in_memory = false;
  double memory_write_s = 0.0;
  double memory_interval_s = 0.0;  // training time between in-memory checkpoints
  int64_t memory_per_storage = 1;  // in-memory checkpoints per storage checkpoint
};

struct CauseResult {
  std::string id;
  std::string name;
  bool planned = false;
  double mean = 0.0;      // interruptions per run, simulated
  double expected = 0.0;  // rate x units x mean elapsed hours (the calibration's formula)
};

struct ReliabilityResult {
  int64_t trials = 0;
  Percentiles unexpected_interruptions;
  double planned_interruptions = 0.0;
  double reconfigurations = 0.0;  // elastic grow-backs
  std::vector<CauseResult> by_cause;
  Percentiles ettr;           // useful training time / elapsed time
  double mtti_s = 0.0;        // elapsed / unexpected interruptions, over all trials
  double mtti_model_s = 0.0;  // 1 / total unplanned failure rate of the full fleet
  TimeLost lost;
  double useful_s = 0.0;
  Percentiles elapsed_s;  // the duration, or the time to train with failures
  CheckpointPlan checkpoint;
};

class ReliabilityModel {
 public:
  // Throws InputError when the inputs cannot describe a run (neither duration nor work, empty fleet).
  ReliabilityModel(const ReliabilitySpec& spec, const ReliabilityInputs& inputs);
  ~ReliabilityModel();
  ReliabilityModel(ReliabilityModel&&) noexcept;

  // The most failure events one Run() walks over all its trials: about a minute at the ~5M events/s measured on
  // one core for a 16k-GPU fleet. More is an InputError, raised before any trial runs when the expected count
  // already exceeds it, else when the count gets there.
  static constexpr double kMaxEvents = 3e8;

  // Runs spec.trials trials (trial i uses seed MixSeed(spec.seed, stream, i), so results do not depend on order).
  // `progress`, when given, is called now and then with the trials done so far.
  ReliabilityResult Run() const;
  ReliabilityResult Run(int64_t trials,
                        const std::function<void(int64_t done, int64_t total)>& progress = {}) const;

  // Failure events expected over `trials` trials: a lower bound (a run until trained lasts at least its work).
  double ExpectedEvents(int64_t trials) const;

  const CheckpointPlan& checkpoint() const;
  // Total failure rate of the unplanned classes over the full fleet, per second.
  double UnplannedRate() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleetsim
