// Issue 5: the power and cost evaluation sits inside sweeps (search, demo, price curves), so it must cost
// microseconds: one full EvaluateRunCost of a 16,384-GPU H100 scenario (power model, network inventory, capex,
// rental cash flows with two IRR solves), the power model alone, one IRR solve, and a 19-point price sweep.
#include <benchmark/benchmark.h>

#include "fleetsim/cost/cash_flow.h"
#include "fleetsim/cost/rental_model.h"
#include "fleetsim/cost/run_cost.h"

namespace fleetsim {
namespace {

const Scenario& Llama3Scenario() {
  static const Scenario s = Scenario::Parse(R"(
name: llama3-405b-16k-h100
cluster: {accelerator: h100, count: 16384, fabric: roce-400-clos}
model: llama3-405b
training: {seq_len: 8192, global_batch: 2048, parallelism: {tp: 8, pp: 16}, tokens: 15.6e12}
datacenter: {pue: 1.3, electricity: "$0.08/kWh", power_cap: 150MW}
economics: {capex_per_accelerator: "$50000", life: 5y, discount_rate: 0.08}
)",
                                            "bench");
  return s;
}

void BM_EvaluateRunCost(benchmark::State& state) {
  const Scenario& s = Llama3Scenario();
  const RunProfile profile{Seconds(6.0), Seconds(4.5), 2.8e6, Days(54)};
  for (auto _ : state) benchmark::DoNotOptimize(EvaluateRunCost(s, profile));
}
BENCHMARK(BM_EvaluateRunCost);

void BM_PowerModelEnergy(benchmark::State& state) {
  const Scenario& s = Llama3Scenario();
  const DatacenterSpec dc = *s.datacenter;
  for (auto _ : state) {
    const PowerModel m(s.cluster, dc);
    benchmark::DoNotOptimize(m.Energy({Days(40), Days(14), Seconds(0)}));
  }
}
BENCHMARK(BM_PowerModelEnergy);

void BM_IrrFiveYears(benchmark::State& state) {
  const std::vector<CashFlow> flows = {{0, -50000}, {1, 10500}, {2, 10500}, {3, 10500}, {4, 10500}, {5, 10500}};
  for (auto _ : state) benchmark::DoNotOptimize(Irr(flows));
}
BENCHMARK(BM_IrrFiveYears);

void BM_RentalPriceSweep(benchmark::State& state) {
  OwnershipInputs o;
  o.capex = Usd(50000);
  o.life_years = 5;
  o.discount_rate = 0.08;
  o.fixed_opex_per_year = Usd(3000);
  o.facility_power_busy = Watts(1600);
  o.facility_power_idle = Watts(550);
  o.electricity_usd_per_j = 0.08 / 3.6e6;
  const RentalSpec rental{1.99 / 3600, 0.8, 0.5, 0.07};
  std::vector<double> prices;
  for (int i = 0; i <= 18; ++i) prices.push_back(0.5 + 0.25 * i);
  for (auto _ : state) benchmark::DoNotOptimize(SweepRentalPrice(o, rental, prices));
}
BENCHMARK(BM_RentalPriceSweep);

}  // namespace
}  // namespace fleetsim
