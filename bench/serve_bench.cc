// Serving executor speed: Poisson requests of the MLPerf Llama 2 70B mix through copies of Llama 3 70B on H100
// (TP2, fp8), at a rate the fleet keeps up with. items_per_second counts requests simulated. The target:
// 1,000,000 requests through 64 copies in under 10 s on one core; `max-under-slo` (12 bisection runs) in 30 s.
#include <benchmark/benchmark.h>

#include <string>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/request_mix.h"
#include "fleetsim/serve/serve_run.h"
#include "fleetsim/serve/serve_sim.h"

namespace fleetsim {
namespace {

Scenario ServeScenario(int64_t copies, int64_t requests, const std::string& load) {
  const std::string yaml = "cluster: {accelerator: h100, count: " + std::to_string(copies * 2) +
                           "}\nmodel: llama3-70b\nserving: {precision: fp8, replica: {tp: 2}}\n"
                           "workload: {preset: mlperf-llama2-70b, arrival: poisson, rate: \"" +
                           std::to_string(copies * 12) + "/s\", requests: " + std::to_string(requests) +
                           ", load: " + load + ", slo: {ttft_p99: \"2s\", tpot_p99: \"200ms\"}}\n";
  return Scenario::Parse(yaml, "serve_bench.yaml");
}

void BM_ServeRequests(benchmark::State& state) {
  const int64_t copies = state.range(0);
  const int64_t count = state.range(1);
  const Scenario s = ServeScenario(copies, count, "fixed");
  const std::vector<Request> requests = WorkloadRequests(*s.workload);
  const StackSpec& stack = Catalog::BuiltIn().DefaultStack(s.cluster.accelerator.id);
  for (auto _ : state) {
    ServeRun run = SimulateServing(s.cluster, s.model, *s.serving, stack, requests);
    benchmark::DoNotOptimize(run.iterations);
  }
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_ServeRequests)
    ->Args({4, 10000})
    ->Args({64, 100000})
    ->Args({64, 1000000})
    ->Unit(benchmark::kMillisecond);

void BM_ServeMaxUnderSlo(benchmark::State& state) {
  const Scenario s = ServeScenario(4, state.range(0), "max-under-slo");
  for (auto _ : state) {
    ServeResult r = EvaluateServing(s);
    benchmark::DoNotOptimize(r.max_rate_under_slo_per_s);
  }
}
BENCHMARK(BM_ServeMaxUnderSlo)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetsim
