// The training family of `fleetsim validate`: each training case (the published runs of validation/training.csv,
// or a user's --cases file) runs through EstimateScenario, exactly as `fleetsim estimate` would run its scenario,
// and its stated metric is compared with the measured value. Rows listed in kCalibrationRows are calibration
// rows; the rest are checks.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/training_cases.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

// One row per case, in file order, with the plan that ran in `detail`; `family` names the report.
FamilyReport ValidateTrainingCases(const std::vector<TrainingCase>& cases, const std::string& family,
                                   const Catalog& catalog = Catalog::BuiltIn());

// The published runs (embedded validation/training.csv).
FamilyReport ValidateTraining(const Catalog& catalog = Catalog::BuiltIn());

}  // namespace fleetsim
