// Accuracy of the analytical estimator against published training runs (validation/training.csv). Every row runs
// through the same code as `fleetsim validate training` (fleetsim/validate/training_family.h), which runs each
// row as `fleetsim estimate` would; the test prints the per-row table and holds issue 9's bounds: median
// absolute error at most 5%, every row within 15%. Rows in kCalibrationRows
// (fleetsim/validate/calibration_rows.h) fixed the efficiency parameters in data/calibration.yaml
// (docs/calibration.md); the others are checks.
#include <gtest/gtest.h>

#include <cstdio>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/calibration_rows.h"
#include "fleetsim/validate/training_family.h"
#include "fleetsim/validate/validation_output.h"
#include "validation_rows.h"

namespace fleetsim {
namespace {

// The family runs once for all tests of this file.
const FamilyReport& Report() {
  static const FamilyReport report = ValidateTraining();
  return report;
}

TEST(TrainingValidation, EstimatorMatchesPublishedRuns) {
  const FamilyReport& report = Report();
  ASSERT_GE(report.rows.size(), 20u);
  std::printf("%s", ValidationText({report}).c_str());
  EXPECT_EQ(report.all.rows, static_cast<int>(report.rows.size()));  // every training row states a point value
  EXPECT_LE(report.all.median_abs, 0.05);
  EXPECT_LE(report.all.worst_abs, 0.15);
}

// Issue 10: the published rows through `fleetsim simulate` (`validate training --simulate`): every step executed
// on the event engine with its pipeline schedule, with the same bounds as the estimate. Printed beside the
// estimate's error, row by row.
TEST(TrainingValidation, SimulatedStepsMatchPublishedRunsAsTheEstimateDoes) {
  const FamilyReport simulated = ValidateTraining(Catalog::BuiltIn(), TrainingExecutor::kSimulate);
  const FamilyReport& estimated = Report();
  ASSERT_EQ(simulated.rows.size(), estimated.rows.size());
  std::printf("%-26s %9s %9s %9s %9s\n", "case", "published", "estimate", "simulate", "sim/est");
  for (size_t i = 0; i < simulated.rows.size(); ++i) {
    const ValidationRow& s = simulated.rows[i];
    const ValidationRow& e = estimated.rows[i];
    ASSERT_EQ(s.id, e.id);
    std::printf("%-26s %9.4g %+8.1f%% %+8.1f%% %+8.1f%%\n", s.id.c_str(), *s.published.value,
                100.0 * (e.predicted / *e.published.value - 1.0), 100.0 * (s.predicted / *s.published.value - 1.0),
                100.0 * (s.predicted / e.predicted - 1.0));
  }
  std::printf("median / worst |error|: estimate %.1f%% / %.1f%%, simulate %.1f%% / %.1f%% (%d rows)\n",
              100.0 * estimated.all.median_abs, 100.0 * estimated.all.worst_abs, 100.0 * simulated.all.median_abs,
              100.0 * simulated.all.worst_abs, simulated.all.rows);
  EXPECT_LE(simulated.all.median_abs, 0.05);
  EXPECT_LE(simulated.all.worst_abs, 0.15);
}

TEST(TrainingValidation, EmbeddedRowsAreTheProjectCopyOfTrainingCsv) {
  const auto rows = validation::ReadTrainingRows(std::string(FLEETSIM_SOURCE_DIR) + "/validation/training.csv");
  const FamilyReport& report = Report();
  ASSERT_EQ(rows.size(), report.rows.size()) << "rebuild: the embedded validation/training.csv is stale";
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].id(), report.rows[i].id);
}

TEST(TrainingValidation, EveryCalibrationRowIsInTheFile) {
  const FamilyReport& report = Report();
  for (std::string_view id : kCalibrationRows) {
    bool found = false;
    for (const ValidationRow& r : report.rows) found = found || (r.id == id && r.role == Role::kCalibration);
    EXPECT_TRUE(found) << id;
  }
  EXPECT_EQ(report.calibration.rows, static_cast<int>(std::size(kCalibrationRows)));
}

}  // namespace
}  // namespace fleetsim
