// Glue between a Scenario and the ReliabilityModel: the fleet shape from the cluster, the checkpoint size from the
// model's parameters, the in-memory and optical-switch figures from the hardware, and the run length from
// reliability.duration or from training.tokens at the failure-free throughput.
#pragma once

#include <optional>

#include "fleetsim/reliability/reliability_model.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

// The failure-free speed of the job (from the estimator, or reliability.step_time).
struct Throughput {
  Seconds step_time;
  double tokens_per_s = 0.0;
};

// True when the run length must come from training.tokens and a throughput (no reliability.duration).
bool NeedsThroughput(const Scenario& scenario);

// Throughput from reliability.step_time when given (tokens per step = global_batch x seq_len), else empty.
std::optional<Throughput> ThroughputFromSpec(const Scenario& scenario);

// Inputs for the model. `throughput` is required when NeedsThroughput(); `spec` is usually *scenario.reliability,
// or a copy changed by a sweep. `cluster_count` overrides cluster.count (fleet-size sweeps; 0 keeps it).
ReliabilityInputs MakeReliabilityInputs(const Scenario& scenario, const ReliabilitySpec& spec,
                                        const std::optional<Throughput>& throughput, int64_t cluster_count = 0);

}  // namespace fleetsim
