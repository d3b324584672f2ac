// ServeMetrics: the answers of one serving run (DESIGN §4 `serve`): throughput, TTFT / TPOT / end-to-end
// percentiles, SLO attainment, batch occupancy and KV-cache use, summarised from the per-request outcomes.
#pragma once

#include <optional>

#include "fleetsim/serve/serve_sim.h"
#include "fleetsim/serve/workload_spec.h"

namespace fleetsim {

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0;
};

struct ServeMetrics {
  double output_tokens_per_s = 0;
  double requests_per_s = 0;
  double makespan_s = 0;
  Percentiles ttft_s, tpot_s, e2e_s;
  double slo_attainment = 1.0;  // share of requests meeting every SLO given
  double batch_mean = 0;
  int64_t batch_max = 0;
  double kv_cache_utilization = 0;  // blocks in use over blocks held, averaged over busy time
  double busy_fraction = 0;         // share of copy-time spent in iterations
  bool meets_slo = true;            // the p99s are within the SLO
};

ServeMetrics Summarize(const ServeRun& run, const WorkloadSpec& workload);

// Nearest-rank percentile (the value at rank ceil(q n)) of unsorted values; 0 for none.
double Percentile(std::vector<double> values, double q);

}  // namespace fleetsim
