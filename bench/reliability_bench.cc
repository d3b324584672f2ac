// Issue 4: 10,000 Monte Carlo trials of a 54-day run on 16,384 H100 (about 466 interruptions each) must take under
// 2 s on one core. Also the per-policy cost, since in-memory checkpoints and elastic shrink add events.
#include <benchmark/benchmark.h>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/reliability/reliability_model.h"

namespace fleetsim {
namespace {

ReliabilityInputs Llama3Inputs() {
  const Catalog& c = Catalog::BuiltIn();
  ClusterSpec cluster;
  cluster.accelerator = *c.FindAccelerator("h100");
  cluster.node = *c.FindNode("hgx-h100");
  cluster.fabric = *c.FindFabric("roce-400-clos");
  cluster.count = 16384;
  ReliabilityInputs in;
  in.fleet = FleetShape::FromCluster(cluster, 128);
  in.duration = Days(54);
  in.checkpoint_size = Bytes(405.8e9 * 14);
  in.in_memory_bandwidth = GigabytesPerSecond(50);
  return in;
}

void BM_Llama3Trials(benchmark::State& state, std::vector<Policy> policies) {
  ReliabilitySpec spec;
  spec.policies = std::move(policies);
  if (spec.Has(Policy::kHotSpares)) spec.spares = 32;
  const ReliabilityModel model(spec, Llama3Inputs());
  const int64_t trials = state.range(0);
  double interruptions = 0.0;
  for (auto _ : state) {
    const ReliabilityResult r = model.Run(trials);
    interruptions = r.unexpected_interruptions.mean + r.planned_interruptions;
    benchmark::DoNotOptimize(r.ettr.mean);
  }
  state.counters["trials_per_s"] =
      benchmark::Counter(static_cast<double>(trials), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(trials) * interruptions,
                                                      benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK_CAPTURE(BM_Llama3Trials, checkpoint_restart, {Policy::kCheckpointRestart})
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Llama3Trials, in_memory_hot_spares_elastic,
                  {Policy::kCheckpointRestart, Policy::kInMemory, Policy::kHotSpares, Policy::kElastic})
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetsim
