// ServeMetrics: the answers of one serving run (DESIGN §4 `serve`): throughput, TTFT / TPOT / end-to-end
// percentiles, SLO attainment, batch occupancy and KV-cache use, summarised from the per-request outcomes.
#pragma once

#include <optional>

#include "fleetsim/serve/serve_sim.h"
#include "fleetsim/serve/workload_spec.h"

namespace fleetsim {

// Latency percentiles of a serving run (nearest rank).
struct LatencyPercentiles {
  double p50 = 0, p90 = 0, p99 = 0;
};

struct ServeMetrics {
  double output_tokens_per_s = 0;
  double requests_per_s = 0;
  double offered_tokens_per_s = 0;  // arriving load: what arrived, over the arrival window; offline: as served
  double makespan_s = 0;
  LatencyPercentiles ttft_s, tpot_s, e2e_s;
  double slo_attainment = 1.0;  // share of requests meeting every SLO given
  double batch_mean = 0;
  int64_t batch_max = 0;
  double kv_cache_utilization = 0;  // blocks in use over blocks held, averaged over busy time
  double busy_fraction = 0;         // share of copy-time spent in iterations
  bool meets_slo = true;            // the p99s are within the SLO
};

// Offline: throughput over the makespan. Arriving load (Poisson, trace): the tokens served per second, which is
// the offered load while the copies keep up and their steady-state capacity (`capacity_tokens_per_s`, from
// SteadyStateTokensPerS of an offline run of the same copies and mix) when it exceeds it; without a capacity,
// the offered load.
ServeMetrics Summarize(const ServeRun& run, const WorkloadSpec& workload,
                       std::optional<double> capacity_tokens_per_s = std::nullopt);

// Output tokens per second of a saturated (offline) continuous-batching run in steady state: the tokens emitted
// (each request's spread evenly from its first token to its finish) from the start until the last request
// starts generating, over that time. The drain after it, when batches only empty, is left out. A run whose
// requests all start at once (one batch) has no such window: its makespan is taken.
double SteadyStateTokensPerS(const ServeRun& run);

// Nearest-rank percentile (the value at rank ceil(q n)) of unsorted values; 0 for none.
double Percentile(std::vector<double> values, double q);

}  // namespace fleetsim
