// TrainingCase: one measured training run in the columns of validation/training.csv, a published run or one of a
// user's own (`--cases my_runs.csv`): its configuration in the scenario vocabulary (DESIGN §3), the metric
// measured and its value. ReadTrainingCases checks every cell, so a bad row is an InputError at its CSV line;
// CaseScenario turns a case into the Scenario that `fleetsim estimate` would run. docs/validation.md lists the
// columns.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/estimate/step_result.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

struct TrainingCase {
  std::string file;  // where the case was read, for messages
  int line = 0;
  std::map<std::string, std::string> cells;  // column -> cell; a blank cell is ""
  double value = 0;                          // the measured value of the metric

  // The cell of a column, "" when blank or the file has no such column.
  const std::string& operator[](const std::string& column) const;
  const std::string& id() const { return (*this)["case"]; }
};

// What a `--cases` column holds.
enum class CellKind { kText, kCount, kCountOrAuto, kNonNegative, kBool, kNumber };

struct CaseColumn {
  const char* name;
  CellKind kind;
  bool required;
  const char* help;  // for docs and messages
};

// Every column a cases file may have, in the order of validation/training.csv.
const std::vector<CaseColumn>& TrainingCaseColumns();

// The metrics a case may state, and how each is read from an estimate.
const std::vector<std::string>& TrainingMetrics();

// Parses and checks a cases file's text; `file` names it in messages. Unknown columns, missing required cells,
// malformed numbers, unknown accelerators or models and repeated case ids are InputErrors at their line.
std::vector<TrainingCase> ReadTrainingCases(const std::string& text, const std::string& file,
                                            const Catalog& catalog = Catalog::BuiltIn());
// Reads a user's cases file (ReadInputFile limits apply).
std::vector<TrainingCase> LoadTrainingCases(const std::string& path, const Catalog& catalog = Catalog::BuiltIn());
// The published runs: validation/training.csv as embedded in the library.
std::vector<TrainingCase> BuiltInTrainingCases(const Catalog& catalog = Catalog::BuiltIn());

// The scenario YAML of a case: cluster (accelerator, count), model (preset and/or dimensions), training. Blank
// cells are left out, so fleetsim's defaults and `auto` choices apply.
std::string CaseScenarioYaml(const TrainingCase& c);
// The parsed scenario; a scenario error becomes an InputError at the case's CSV line.
Scenario CaseScenario(const TrainingCase& c, const Catalog& catalog = Catalog::BuiltIn());

// The case's metric read from an estimate of its scenario.
double PredictMetric(const std::string& metric, const Scenario& s, const StepResult& r);
// The unit the metric is stated in ("TFLOP/s", "s", "tokens/s").
std::string MetricUnit(const std::string& metric);

}  // namespace fleetsim
