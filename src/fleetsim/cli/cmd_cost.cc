// `fleetsim cost S.yaml [--sweep price]`: power, energy, PUE, site limits, TCO, cost of the run and per million
// tokens, and the economics of renting the hardware out; `--sweep price` prints the rental curve instead.
#include <fmt/format.h>

#include <cmath>
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/core/error.h"
#include "fleetsim/cost/cost_report.h"
#include "fleetsim/cost/run_cost.h"
#include "fleetsim/planner/estimate_scenario.h"

namespace fleetsim {
namespace {

// Above any accelerator's rental price ($2-12/h in 2024-25) by two orders of magnitude.
constexpr double kMaxPriceUsdPerHour = 1000.0;

struct PriceSweepOptions {
  std::string what;  // "" or "price"
  double from = 0.50;
  double to = 5.00;
  double step = 0.25;
};

std::vector<double> Prices(const PriceSweepOptions& o) {
  if (!(o.from >= 0) || !(o.to >= o.from) || !(o.step > 0)) {
    throw InputError("", 0, "--from, --to and --step need 0 <= from <= to and step > 0");
  }
  if (!std::isfinite(o.to) || o.to > kMaxPriceUsdPerHour) {
    throw InputError(
        "", 0,
        fmt::format("--to {:g}: rental prices of the sweep are at most ${:g}/h", o.to, kMaxPriceUsdPerHour));
  }
  // Counted in floating point first: a tiny --step must not overflow the row count.
  const double rows = std::floor((o.to - o.from) / o.step + 1e-9) + 1;
  if (!(rows <= 10000)) {
    throw InputError(
        "", 0,
        fmt::format("--step {:g}: the sweep from ${:g}/h to ${:g}/h would print {:.3g} rows, more than "
                    "10,000; use a larger --step",
                    o.step, o.from, o.to, rows));
  }
  const int n = static_cast<int>(rows);
  std::vector<double> prices;
  for (int i = 0; i < n; ++i) prices.push_back(o.from + i * o.step);
  return prices;
}

}  // namespace

Command AddCostCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "cost", "power, energy, PUE, site limits, TCO, cost per run and per million tokens, rental economics");
  auto options = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  auto sweep = std::make_shared<PriceSweepOptions>();
  cmd->add_option("scenario", *path, "scenario YAML file")->required();
  cmd->add_option("--sweep", sweep->what, "print the rental curve over a parameter")
      ->check(CLI::IsMember({"price"}));
  cmd->add_option("--from", sweep->from, "first rental price of the sweep, $/h")->default_str("0.50");
  cmd->add_option("--to", sweep->to, "last rental price of the sweep, $/h")->default_str("5.00");
  cmd->add_option("--step", sweep->step, "rental price step of the sweep, $/h")->default_str("0.25");
  AddCommonOptions(*cmd, *options);
  auto run = [options, path, sweep](std::ostream& out) {
    const Scenario scenario = options->LoadScenario(*path);
    const RunCost cost = EvaluateRunCost(scenario, EstimateScenario(scenario));
    if (!sweep->what.empty()) {
      if (!cost.ownership) {
        throw InputError(*path, 0, "the rental sweep needs a purchase price: " + cost.cost_note);
      }
      const std::vector<RentalResult> rows =
          SweepRentalPrice(*cost.ownership, cost.economics.rental, Prices(*sweep));
      switch (options->Format()) {
        case OutputFormat::kJson:
          out << RentalSweepJson(scenario, cost, rows).dump(2) << "\n";
          break;
        case OutputFormat::kCsv:
          out << RentalSweepCsv(rows);
          break;
        case OutputFormat::kTable:
          out << RentalSweepText(scenario, cost, rows);
          break;
      }
      return 0;
    }
    switch (options->Format()) {
      case OutputFormat::kJson:
        out << RunCostJson(scenario, cost).dump(2) << "\n";
        break;
      case OutputFormat::kCsv:
        out << RunCostCsv(scenario, cost);
        break;
      case OutputFormat::kTable:
        out << RunCostText(scenario, cost);
        break;
    }
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
