// ValidationRow and FamilyReport: what `fleetsim validate` and the validation tests compare, one published figure
// against fleetsim's prediction of it. A published figure is a point value (its error is signed and relative) or a
// bound or range as the source states it (">0.90", "1.50-2.20": within it or not). A family's report holds its
// rows and the median and worst |error| of its point rows, for all rows, calibration rows and check rows apart.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fleetsim {

// A published figure as its source states it: "419" (a point value), ">0.90", "<0.10" or "1.50-2.20".
struct PublishedFigure {
  std::string text;
  std::optional<double> value;  // a point value
  std::optional<double> lower;  // a bound or range instead
  std::optional<double> upper;

  // Reads the forms above; anything else has no value and no bounds.
  static PublishedFigure Parse(const std::string& text);
  static PublishedFigure Point(double value);
};

enum class Role { kCalibration, kCheck };
const char* RoleName(Role role);  // "calibration" | "check"

struct ValidationRow {
  std::string id;
  std::string source;
  std::string metric;
  std::string unit;
  PublishedFigure published;
  double predicted = 0;
  Role role = Role::kCheck;
  std::string detail;  // the plan a training row ran, what a calibration row fixes, ...

  // (predicted - published) / published for a point value.
  std::optional<double> Error() const;
  // Whether the prediction lies inside a stated bound or range.
  std::optional<bool> WithinBounds() const;
};

struct ErrorSummary {
  int rows = 0;  // point rows summarised
  double median_abs = 0;
  double worst_abs = 0;
};

struct FamilyReport {
  std::string family;  // training | collectives | reliability | economics | cases (a user's file)
  std::string title;
  std::vector<ValidationRow> rows;
  ErrorSummary all, calibration, check;
  int bounds = 0;  // rows with a bound or range, and how many predictions lie inside
  int bounds_met = 0;
  std::vector<std::string> notes;

  // Fills the summaries from the rows.
  void Summarize();
};

// Median and worst of |x| (0 for none).
ErrorSummary SummarizeErrors(const std::vector<double>& errors);

}  // namespace fleetsim
