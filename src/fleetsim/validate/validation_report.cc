#include "fleetsim/validate/validation_report.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace fleetsim {
namespace {

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

PublishedFigure PublishedFigure::Parse(const std::string& text) {
  PublishedFigure f;
  f.text = text;
  if (auto v = ParseNumber(text)) {
    f.value = v;
  } else if (!text.empty() && (text[0] == '>' || text[0] == '<')) {
    if (auto bound = ParseNumber(text.substr(1))) (text[0] == '>' ? f.lower : f.upper) = bound;
  } else if (const size_t dash = text.find('-', 1); dash != std::string::npos) {
    auto lo = ParseNumber(text.substr(0, dash));
    auto hi = ParseNumber(text.substr(dash + 1));
    if (lo && hi && *lo <= *hi) {
      f.lower = lo;
      f.upper = hi;
    }
  }
  return f;
}

PublishedFigure PublishedFigure::Point(double value) {
  PublishedFigure f;
  f.text = std::to_string(value);
  f.value = value;
  return f;
}

const char* RoleName(Role role) { return role == Role::kCalibration ? "calibration" : "check"; }

std::optional<double> ValidationRow::Error() const {
  if (!published.value || *published.value == 0) return std::nullopt;
  return (predicted - *published.value) / *published.value;
}

std::optional<bool> ValidationRow::WithinBounds() const {
  if (published.value || (!published.lower && !published.upper)) return std::nullopt;
  return (!published.lower || predicted >= *published.lower) &&
         (!published.upper || predicted <= *published.upper);
}

ErrorSummary SummarizeErrors(const std::vector<double>& errors) {
  ErrorSummary s;
  s.rows = static_cast<int>(errors.size());
  if (errors.empty()) return s;
  std::vector<double> v;
  for (double e : errors) v.push_back(std::fabs(e));
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.median_abs = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.worst_abs = v.back();
  return s;
}

void FamilyReport::Summarize() {
  std::vector<double> every, cal, chk;
  bounds = bounds_met = 0;
  for (const ValidationRow& r : rows) {
    if (auto e = r.Error()) {
      every.push_back(*e);
      (r.role == Role::kCalibration ? cal : chk).push_back(*e);
    }
    if (auto in = r.WithinBounds()) {
      ++bounds;
      bounds_met += *in ? 1 : 0;
    }
  }
  all = SummarizeErrors(every);
  calibration = SummarizeErrors(cal);
  check = SummarizeErrors(chk);
}

}  // namespace fleetsim
