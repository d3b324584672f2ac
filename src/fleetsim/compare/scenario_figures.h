// ScenarioFigures: everything `fleetsim compare` and the HTML report say about one scenario, computed once: the
// training step (plan search resolves `auto`), time to train with and without failures (the scenario's
// `reliability:` section, or its defaults), goodput against fleet size, power, energy, the cost of the run on the
// chosen basis, the rental economics of owning the hardware, and serving where a `serving:` section exists.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/cost/run_cost.h"
#include "fleetsim/estimate/step_result.h"
#include "fleetsim/reliability/reliability_model.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_run.h"

namespace fleetsim {

// Goodput (effective training time ratio) of the same job on a fleet of another size.
struct GoodputPoint {
  int64_t accelerators = 0;
  double ettr = 0.0;
};

// Net present value of owning one accelerator and renting it out at a price.
struct RentalPoint {
  double price_usd_per_hour = 0.0;
  double npv_usd = 0.0;
};

struct ScenarioFigures {
  Scenario scenario;
  std::string text;  // the scenario file as given, for the report's inputs
  // Training (absent for a serving-only scenario).
  std::optional<StepResult> step;
  std::optional<RunCost> cost;
  std::optional<ReliabilityResult> reliability;
  bool reliability_defaults = false;  // the scenario has no `reliability:` section: fleetsim's defaults ran
  std::vector<GoodputPoint> goodput_by_size;
  std::vector<RentalPoint> rental_npv;  // owned hardware only (a capex is known)
  // Serving.
  std::optional<ServeResult> serving;
};

// The rental prices the NPV curve is drawn at ($/accelerator-hour).
const std::vector<double>& RentalCurvePrices();

// Evaluates one scenario. Bad input (no valid plan, a cost the basis cannot price) is an InputError naming the
// scenario's file.
ScenarioFigures EvaluateFigures(const Scenario& scenario, std::string text);

}  // namespace fleetsim
