#include "fleetsim/compare/scenario_figures.h"

#include <algorithm>
#include <cmath>

#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/cost/rental_model.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/reliability/reliability_inputs.h"

namespace fleetsim {
namespace {

// Trials per point of the goodput-against-size curve: its points differ by far more than their sampling error.
constexpr int64_t kCurveTrials = 200;

// The scenario's reliability settings, or fleetsim's defaults (an empty `reliability:` section).
ReliabilitySpec ReliabilityOf(const Scenario& s, bool* defaults) {
  *defaults = !s.reliability;
  if (s.reliability) return *s.reliability;
  YamlMap empty = YamlMap::Parse("{}", s.file);
  return ParseReliabilitySpec(empty, s.cluster);
}

void EvaluateTraining(ScenarioFigures& f) {
  const Scenario& s = f.scenario;
  f.step = EstimateScenario(s);
  f.cost = EvaluateRunCost(s, *f.step);
  if (f.cost->ownership) {
    for (double price : RentalCurvePrices()) {
      f.rental_npv.push_back({price, EvaluateRental(*f.cost->ownership, f.cost->economics.rental, price).npv_usd});
    }
  }
  Scenario with_failures = s;
  const ReliabilitySpec spec = ReliabilityOf(s, &f.reliability_defaults);
  with_failures.reliability = spec;
  if (NeedsThroughput(with_failures) && !s.training.tokens) return;  // no run length: nothing to fail over
  const Throughput tp{f.step->step_time, f.step->tokens_per_s};
  f.reliability = ReliabilityModel(spec, MakeReliabilityInputs(with_failures, spec, tp)).Run();
  // The same job on 1/16 to 4 times the fleet, in whole scale-up domains.
  ReliabilitySpec curve = spec;
  curve.trials = std::min(curve.trials, kCurveTrials);
  const int64_t node = s.cluster.node.size;
  for (double factor : {1.0 / 16, 1.0 / 4, 1.0, 4.0}) {
    const int64_t count = std::max<int64_t>(
        node, std::llround(static_cast<double>(s.cluster.count) * factor / static_cast<double>(node)) * node);
    if (!f.goodput_by_size.empty() && f.goodput_by_size.back().accelerators == count) continue;
    if (count == s.cluster.count) {  // the scenario's own fleet: the run above, with all its trials
      f.goodput_by_size.push_back({count, f.reliability->ettr.mean});
      continue;
    }
    ReliabilitySpec sized = curve;
    sized.spares = std::min(sized.spares, count / node);
    const ReliabilityResult r =
        ReliabilityModel(sized, MakeReliabilityInputs(with_failures, sized, tp, count)).Run();
    f.goodput_by_size.push_back({count, r.ettr.mean});
  }
}

}  // namespace

const std::vector<double>& RentalCurvePrices() {
  static const std::vector<double> prices = {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0};
  return prices;
}

ScenarioFigures EvaluateFigures(const Scenario& scenario, std::string text) {
  ScenarioFigures f;
  f.scenario = scenario;
  f.text = std::move(text);
  try {
    if (scenario.has_training) EvaluateTraining(f);
    if (scenario.serving) f.serving = EvaluateServing(scenario);
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    throw InputError(scenario.file, 1, e.message());
  }
  return f;
}

}  // namespace fleetsim
