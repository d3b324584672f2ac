#include "fleetsim/validate/training_family.h"

#include <fmt/format.h>

#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/simulate/simulate_scenario.h"
#include "fleetsim/validate/calibration_rows.h"

namespace fleetsim {

FamilyReport ValidateTrainingCases(const std::vector<TrainingCase>& cases, const std::string& family,
                                   const Catalog& catalog, TrainingExecutor executor) {
  const bool simulate = executor == TrainingExecutor::kSimulate;
  FamilyReport report;
  report.family = family;
  report.title = simulate ? "training step time and throughput (the step simulated on the event engine) against "
                            "measured runs"
                          : "training step time and throughput (analytical estimator) against measured runs";
  for (const TrainingCase& c : cases) {
    const Scenario s = CaseScenario(c, catalog);
    const StepResult r = simulate ? SimulateScenario(s).simulated : EstimateScenario(s);
    ValidationRow row;
    row.id = c.id();
    row.source = c["source"];
    row.metric = c["metric"];
    row.unit = MetricUnit(row.metric);
    row.published = PublishedFigure::Parse(c["value"]);
    row.predicted = PredictMetric(row.metric, s, r);
    // Only the published rows fixed parameters; every row of a user's file is a check.
    row.role = family == "training" && IsCalibrationRow(row.id) ? Role::kCalibration : Role::kCheck;
    row.detail =
        fmt::format("{}{} on {} devices", r.plan.Describe(), r.fits ? "" : " (over memory)", s.cluster.count);
    report.rows.push_back(std::move(row));
  }
  report.Summarize();
  return report;
}

FamilyReport ValidateTraining(const Catalog& catalog, TrainingExecutor executor) {
  return ValidateTrainingCases(BuiltInTrainingCases(catalog), "training", catalog, executor);
}

}  // namespace fleetsim
