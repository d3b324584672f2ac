// Benchmarks of the analytical estimator and plan search, the hot path of every sweep: plan evaluations per
// second, a full search of Llama 3 405B on 16,384 H100s, and the demo's four searches.
#include <benchmark/benchmark.h>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/search/plan_search.h"

namespace fleetsim {
namespace {

const char* kLlama405b = R"(cluster: {accelerator: h100, count: 16384, fabric: roce-400-clos}
model: llama3-405b
training: {seq_len: 8192, global_batch: 2048, precision: bf16}
)";

// One plan scored (memory check and step time) with the per-layer cache warm, as inside a search.
void BM_ScorePlan(benchmark::State& state) {
  const Scenario s = Scenario::Parse(kLlama405b, "bench.yaml");
  const Estimator e(s.model, s.cluster, s.training);
  Plan p;
  p.tp = 8;
  p.pp = 16;
  p.dp = 128;
  p.vpp = 2;
  p.sequence_parallel = true;
  int zero = 0;
  for (auto _ : state) {
    p.zero = zero++ & 3;
    benchmark::DoNotOptimize(e.Score(p));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScorePlan);

// The whole plan space of llama3-405b on 16,384 H100s, from a cold estimator; items = plans evaluated.
void BM_SearchLlama405b16k(benchmark::State& state) {
  const Scenario s = Scenario::Parse(kLlama405b, "bench.yaml");
  int64_t plans = 0;
  for (auto _ : state) {
    const Estimator e(s.model, s.cluster, s.training);
    const SearchResult r = SearchPlans(e, s.model, s.cluster, s.training, PlanConstraints{}, 10);
    plans += r.evaluated;
    benchmark::DoNotOptimize(r.best.data());
  }
  state.SetItemsProcessed(plans);
  state.counters["plans"] = static_cast<double>(plans) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SearchLlama405b16k)->Unit(benchmark::kMillisecond);

// The demo's work: parse and search each built-in fleet.
void BM_DemoSearches(benchmark::State& state) {
  for (auto _ : state) {
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (!f.path.starts_with("data/demo/")) continue;
      const Scenario s = Scenario::Parse(std::string(f.content), std::string(f.path));
      const Estimator e(s.model, s.cluster, s.training);
      benchmark::DoNotOptimize(SearchPlans(e, s.model, s.cluster, s.training, PlanConstraints{}, 1).evaluated);
    }
  }
}
BENCHMARK(BM_DemoSearches)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetsim
