#include "validation_rows.h"

namespace fleetsim::validation {

std::vector<TrainingRow> ReadTrainingRows(const std::string& path) { return LoadTrainingCases(path); }

std::string RowScenarioYaml(const TrainingRow& row) { return CaseScenarioYaml(row); }

}  // namespace fleetsim::validation
