#include "fleetsim/cost/run_cost.h"

#include <fmt/format.h>

#include <algorithm>

#include "fleetsim/core/error.h"
#include "fleetsim/estimate/step_result.h"

namespace fleetsim {

Scenario OnBasis(const Scenario& scenario, CostBasis basis) {
  Scenario s = scenario;
  s.economics = s.economics.value_or(EconomicsSpec::Default());
  s.economics->basis = basis;
  if (basis == CostBasis::kOwned) s.economics->cloud_price_usd_per_s.reset();
  return s;
}

RunProfile ProfileOf(const StepResult& step) {
  RunProfile p;
  p.step_time = step.step_time;
  p.busy_time = std::min(step.step_time, step.breakdown.compute + step.breakdown.optimizer);
  p.tokens_per_s = step.tokens_per_s;
  p.duration = step.time_to_train;
  return p;
}

RunCost EvaluateRunCost(const Scenario& s, const StepResult& step) { return EvaluateRunCost(s, ProfileOf(step)); }

RunCost EvaluateRunCost(const Scenario& s, const RunProfile& profile) {
  RunCost r;
  r.datacenter = s.datacenter.value_or(DatacenterSpec::Default());
  r.economics = s.economics.value_or(EconomicsSpec::Default());
  const PowerModel power(s.cluster, r.datacenter);
  const CostModel cost(power, r.economics);

  r.busy_fraction =
      profile.step_time.value() > 0 ? std::clamp(profile.busy_time / profile.step_time, 0.0, 1.0) : 0.0;
  if (profile.duration) {
    if (!(profile.duration->value() <= kMaxRunSeconds)) {
      throw InputError(
          s.file, 0,
          fmt::format("training.tokens: the run would last {:.3g} years; power and cost cover runs of "
                      "at most {:g} years",
                      profile.duration->value() / (365.0 * 86400), kMaxRunSeconds / (365.0 * 86400)));
    }
    r.duration = *profile.duration;
    r.duration_basis = "time to train training.tokens";
  } else {
    r.duration = Days(1);
    r.duration_basis = "one day (training.tokens not set)";
  }
  r.tokens = profile.tokens_per_s * r.duration.value();
  const Timeline run{r.duration * r.busy_fraction, r.duration * (1.0 - r.busy_fraction), Seconds(0)};

  r.it_power = power.It(r.busy_fraction, 1.0 - r.busy_fraction);
  r.it_peak = power.ItPeak();
  r.facility_power = power.Facility(r.it_power.Total());
  r.facility_peak = power.Facility(r.it_peak.Total());
  r.network = power.network();
  r.hosts = power.hosts();
  r.energy = power.Energy(run);
  r.step_energy = r.facility_power * profile.step_time;
  r.site = EvaluateSiteLimits(power);

  r.basis = cost.basis();
  r.cost_note = cost.note();
  r.capex_per_accelerator = cost.capex();
  if (r.capex_per_accelerator) {
    r.capex_total = r.capex_per_accelerator->Total() * static_cast<double>(s.cluster.count);
  }
  r.per_accelerator_hour = cost.PerAcceleratorHour(r.busy_fraction, 1.0 - r.busy_fraction);
  r.cost = cost.Run(run);
  if (r.cost && r.tokens > 0) r.usd_per_million_tokens = r.cost->Total().value() / (r.tokens / 1e6);
  r.ownership = cost.Ownership();
  if (r.ownership) r.rental = EvaluateRental(*r.ownership, r.economics.rental);
  return r;
}

}  // namespace fleetsim
