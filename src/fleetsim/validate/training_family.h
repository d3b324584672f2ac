// The training family of `fleetsim validate`: each training case (the published runs of validation/training.csv,
// or a user's --cases file) runs through EstimateScenario, exactly as `fleetsim estimate` would run its scenario,
// or with `executor` kSimulate through SimulateScenario (the step executed on the event engine, as `fleetsim
// simulate` runs it), and its stated metric is compared with the measured value. Rows listed in kCalibrationRows
// are calibration rows; the rest are checks.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/training_cases.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

enum class TrainingExecutor { kEstimate, kSimulate };

// One row per case, in file order, with the plan that ran in `detail`; `family` names the report.
FamilyReport ValidateTrainingCases(const std::vector<TrainingCase>& cases, const std::string& family,
                                   const Catalog& catalog = Catalog::BuiltIn(),
                                   TrainingExecutor executor = TrainingExecutor::kEstimate);

// The published runs (embedded validation/training.csv).
FamilyReport ValidateTraining(const Catalog& catalog = Catalog::BuiltIn(),
                              TrainingExecutor executor = TrainingExecutor::kEstimate);

}  // namespace fleetsim
