// Comparison: the figures of several scenarios side by side, on one cost basis, with each scenario's difference to
// the first: the rows `fleetsim compare` prints as a table, JSON or CSV, and the data the HTML report charts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/compare/scenario_figures.h"

namespace fleetsim {

// One figure across the scenarios: a number per scenario (absent where it does not apply) or text (the plan).
struct FigureRow {
  std::string key;    // JSON key, snake_case with a unit suffix ("step_time_s")
  std::string label;  // for tables ("step time")
  std::string unit;   // for tables ("s", "%", "$")
  std::vector<std::optional<double>> values;
  std::vector<std::string> text;  // when the figure is text; then `values` is empty
  int digits = 3;                 // significant digits in tables
  double scale = 1.0;             // table value = value * scale (fractions shown as percent)
  bool ratio = true;              // compared to the first as a ratio; false: as a difference (a value of any sign)
};

struct Comparison {
  std::string basis;  // "owned", "rented", or "as each scenario says"
  std::vector<ScenarioFigures> scenarios;
  std::vector<FigureRow> rows;
};

// Builds the rows from evaluated scenarios. `basis` names the basis the scenarios were loaded with.
Comparison Compare(std::vector<ScenarioFigures> scenarios, std::string basis);

// Renderings. The table has one column per scenario and, after each but the first, its ratio to the first.
std::string ComparisonText(const Comparison& c);
std::string ComparisonCsv(const Comparison& c);
std::string ComparisonJson(const Comparison& c);

// Lines naming every estimate a comparison rests on (a price that is an estimate, an accelerator without its own
// calibration, reliability defaults), for the table's footer and the report.
std::vector<std::string> ComparisonNotes(const Comparison& c);

}  // namespace fleetsim
