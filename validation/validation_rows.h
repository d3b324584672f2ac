// Reads validation/training.csv (published training runs with their full configuration, DESIGN §3 vocabulary)
// for the validation tests. The parsing and the row -> scenario logic live in the library
// (fleetsim/validate/training_cases.h, shared with `fleetsim validate`); these names forward to it.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/training_cases.h"

namespace fleetsim::validation {

using TrainingRow = TrainingCase;
using fleetsim::SplitCsvLine;

// The rows of a training cases file (checked as `fleetsim validate --cases` checks it).
std::vector<TrainingRow> ReadTrainingRows(const std::string& path);

// The scenario YAML for a row (CaseScenarioYaml).
std::string RowScenarioYaml(const TrainingRow& row);

}  // namespace fleetsim::validation
