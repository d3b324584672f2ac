// Benchmarks of `fleetsim simulate`: one training step of Llama 3 405B with Meta's plan (tp8 pp16, 8K context)
// executed on the event engine, at 16,384 and 65,536 H100s (the data-parallel size grows; the representatives
// per stage do not), an interleaved schedule with many passes, and DeepSeek-V3's layout on 2,048 H800 (pp16,
// ep64, two chunks per stage). Items = engine events.
#include <benchmark/benchmark.h>

#include <string>

#include "fleetsim/simulate/simulate_scenario.h"

namespace fleetsim {
namespace {

std::string Llama405b(int64_t count, int64_t dp, int64_t global_batch, int vpp) {
  return "cluster: {accelerator: h100, count: " + std::to_string(count) +
         ", fabric: roce-400-clos}\n"
         "model: llama3-405b\n"
         "training:\n"
         "  seq_len: 8192\n"
         "  global_batch: " +
         std::to_string(global_batch) +
         "\n"
         "  micro_batch: 1\n"
         "  parallelism: {tp: 8, pp: 16, dp: " +
         std::to_string(dp) + ", vpp: " + std::to_string(vpp) +
         "}\n"
         "  recompute: none\n"
         "  zero: 1\n";
}

void Run(benchmark::State& state, const std::string& yaml) {
  const Scenario s = Scenario::Parse(yaml, "bench.yaml");
  uint64_t events = 0;
  for (auto _ : state) {
    const ScenarioSimulation r = SimulateScenario(s);
    events += r.step.events;
    benchmark::DoNotOptimize(r.simulated.step_time);
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}

void BM_SimulateLlama405b16k(benchmark::State& state) { Run(state, Llama405b(16384, 128, 2048, 1)); }
BENCHMARK(BM_SimulateLlama405b16k)->Unit(benchmark::kMillisecond);

void BM_SimulateLlama405b65k(benchmark::State& state) { Run(state, Llama405b(65536, 512, 8192, 1)); }
BENCHMARK(BM_SimulateLlama405b65k)->Unit(benchmark::kMillisecond);

// Interleaved, 7 chunks per stage and 128 micro-batches per replica: 28,672 passes.
void BM_SimulateInterleaved(benchmark::State& state) { Run(state, Llama405b(16384, 128, 16384, 7)); }
BENCHMARK(BM_SimulateInterleaved)->Unit(benchmark::kMillisecond);

// DeepSeek-V3 as its report describes the run (validation/training.csv deepseek-v3-h800-2048): 2,048 H800, pp16
// (DualPipe's two chunks per rank as vpp 2), ep64, fp8, 15,360 sequences of 4K per step: 7,680 passes per stage.
void BM_SimulateDeepSeekV3(benchmark::State& state) {
  Run(state,
      "cluster: {accelerator: h800, count: 2048}\n"
      "model: deepseek-v3\n"
      "training: {stack: deepseek-v3, seq_len: 4096, global_batch: 15360, micro_batch: 1, precision: fp8,\n"
      "           recompute: none, zero: 1, parallelism: {tp: 1, pp: 16, dp: 128, ep: 64, vpp: 2}}\n");
}
BENCHMARK(BM_SimulateDeepSeekV3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetsim
