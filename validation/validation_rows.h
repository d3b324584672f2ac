// Reads validation/training.csv (published training runs with their full configuration, DESIGN §3 vocabulary)
// and turns each row into a scenario, so tests and the calibration report run every row through the estimator.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fleetsim::validation {

struct TrainingRow {
  std::map<std::string, std::string> cells;  // column -> value ("" when the source does not publish it)
  const std::string& operator[](const std::string& column) const { return cells.at(column); }
};

// One CSV line as cells; commas inside double quotes belong to the cell (the quotes are dropped).
std::vector<std::string> SplitCsvLine(const std::string& line);

std::vector<TrainingRow> ReadTrainingRows(const std::string& path);

// The scenario YAML for a row: cluster (accelerator, count), model dimensions, training configuration. Blank
// cells are left out, so fleetsim's defaults and `auto` choices apply.
std::string RowScenarioYaml(const TrainingRow& row);

}  // namespace fleetsim::validation
