// EvaluateServing: `fleetsim serve` end to end for a scenario: the requests of its workload through the serving
// executor, the metrics, and with `load: max-under-slo` the bisection on the Poisson rate for the highest rate
// whose p99 TTFT and TPOT meet the SLO (as MLPerf Server submissions are tuned). Power and cost per token come
// from the energy and cost observers at the run's busy fraction.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_metrics.h"
#include "fleetsim/serve/serve_sim.h"

namespace fleetsim {

struct ServeResult {
  ServeRun run;
  ServeMetrics metrics;
  std::optional<double> max_rate_under_slo_per_s;  // load: max-under-slo only; 0 when no rate meets it
  int bisection_runs = 0;
  // Arriving load and max-under-slo: the copies' steady-state capacity for the mix (output tokens/s), which
  // bounds the throughput reported.
  std::optional<double> capacity_tokens_per_s;
  double facility_power_w = 0;
  std::optional<double> energy_j_per_token;
  std::optional<double> usd_per_million_tokens;
  std::string cost_note;
};

// Throws InputError when the scenario has no `serving:` or `workload:` section.
// `progress` hears of the requests finished (fixed load) or the probes run (max-under-slo). A request too long
// for a copy's KV cache is an InputError at its trace line, or at the scenario's `workload:` when generated.
ServeResult EvaluateServing(const Scenario& scenario, const ServeProgress& progress = {});

// Sets the result's power, energy and cost figures from its metrics and the scenario's datacenter and economics
// (EvaluateServing does; call it again to price the same run on another cost basis).
void PriceServing(const Scenario& scenario, ServeResult& result);

}  // namespace fleetsim
