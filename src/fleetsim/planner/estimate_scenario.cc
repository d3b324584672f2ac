#include "fleetsim/planner/estimate_scenario.h"

#include <fmt/format.h>

#include "fleetsim/core/error.h"
#include "fleetsim/estimate/estimator.h"
#include "fleetsim/search/plan_search.h"

namespace fleetsim {

StepResult EstimateScenario(const Scenario& s) {
  const Estimator estimator(s.model, s.cluster, s.training);
  const TrainingSpec& t = s.training;
  if (const std::optional<Plan> plan = FixedPlan(t)) return estimator.Evaluate(*plan);

  // `auto` searches every field `fleetsim search` searches (ZeRO included), so estimate and search agree.
  const PlanConstraints constraints = PlanConstraints::FromTraining(t);
  const SearchResult found = SearchPlans(estimator, s.model, s.cluster, t, constraints, 1);
  std::vector<std::string> chosen;
  StepResult r;
  if (!found.best.empty()) {
    r = estimator.Evaluate(found.best.front().plan);
  } else if (found.smallest) {
    r = estimator.Evaluate(found.smallest->plan);
    chosen.push_back("no plan fits in memory: showing the one that needs least");
  } else {
    throw InputError(s.file, 0,
                     "no valid parallelism plan for this model, cluster and batch (check that "
                     "global_batch is divisible by the data-parallel size)");
  }
  const Plan& p = r.plan;
  if (!t.parallelism)
    chosen.push_back(fmt::format("parallelism tp={} pp={} dp={} cp={} ep={}", p.tp, p.pp, p.dp, p.cp, p.ep));
  if (!t.micro_batch) chosen.push_back(fmt::format("micro_batch={}", p.micro_batch));
  if (!t.parallelism || !t.parallelism->vpp) chosen.push_back(fmt::format("vpp={}", p.vpp));
  if (!t.recompute) chosen.push_back(fmt::format("recompute={}", RecomputeName(p.recompute)));
  if (!t.zero) chosen.push_back(fmt::format("zero={}", p.zero));
  r.auto_chosen.insert(r.auto_chosen.end(), chosen.begin(), chosen.end());
  return r;
}

}  // namespace fleetsim
