// RunCost: power, energy, site limits and money for one scenario's run, in one call: the entry point for the
// `cost` command and for the columns other reports add (energy, facility MW, cost of the run, $ per million
// tokens). Takes the step's timing as plain inputs (RunProfile) or from an executor's StepResult; a scenario
// without `datacenter:` or `economics:` gets the documented defaults (data/datacenter.yaml).
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/units.h"
#include "fleetsim/cost/cost_model.h"
#include "fleetsim/cost/rental_model.h"
#include "fleetsim/energy/power_model.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

struct StepResult;

// What an executor says about a step, reduced to what power and money need.
struct RunProfile {
  Seconds step_time;
  Seconds busy_time;  // per step, the accelerators compute (the rest they wait on communication or bubbles)
  double tokens_per_s = 0.0;
  std::optional<Seconds> duration;  // the whole run; absent: one day
};

struct RunCost {
  DatacenterSpec datacenter;  // as resolved, defaults included
  EconomicsSpec economics;
  double busy_fraction = 0.0;  // of the run, accelerators computing
  Seconds duration;
  std::string duration_basis;  // "time to train training.tokens" or "one day (training.tokens not set)"
  double tokens = 0.0;         // trained in `duration`
  ItPower it_power;            // average over the run
  ItPower it_peak;             // provisioned: accelerators at TDP
  Watts facility_power;        // average, IT x PUE
  Watts facility_peak;
  NetworkInventory network;
  int64_t hosts = 0;
  EnergyBreakdown energy;  // of the run
  Joules step_energy;      // facility energy of one step
  SiteLimits site;
  CostBasis basis = CostBasis::kUnknown;
  std::string cost_note;
  std::optional<CapexBreakdown> capex_per_accelerator;
  std::optional<Usd> capex_total;                     // the job's accelerators, all-in
  std::optional<CostBreakdown> per_accelerator_hour;  // at the run's activity
  std::optional<CostBreakdown> cost;                  // of the run
  std::optional<double> usd_per_million_tokens;
  std::optional<RentalResult> rental;  // owned hardware only
  std::optional<OwnershipInputs> ownership;

  Usd CostUsd() const { return cost ? cost->Total() : Usd(0); }
};

// The longest run costed: far past any training run, short enough that energy and money stay finite.
inline constexpr double kMaxRunSeconds = 1000.0 * 365 * 86400;

// The scenario priced on a cost basis (economics.basis set; the rest of its economics, or the defaults, kept).
// A rented basis drops nothing; an owned one drops a given cloud_price, which prices renting only.
Scenario OnBasis(const Scenario& scenario, CostBasis basis);

// Evaluates the scenario's run from plain step timings.
RunCost EvaluateRunCost(const Scenario& scenario, const RunProfile& profile);
// Evaluates the scenario's run from an executor's step: busy = compute + optimizer; duration = time_to_train.
RunCost EvaluateRunCost(const Scenario& scenario, const StepResult& step);
// The RunProfile of a StepResult (exposed for tests and for callers that adjust it, e.g. with goodput).
RunProfile ProfileOf(const StepResult& step);

}  // namespace fleetsim
