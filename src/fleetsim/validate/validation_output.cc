#include "fleetsim/validate/validation_output.h"

#include <fmt/format.h>

#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

std::string Number(double v) { return fmt::format("{:.4g}", v); }

std::string ErrorCell(const ValidationRow& r) {
  if (auto e = r.Error()) return fmt::format("{:+.1f}%", 100 * *e);
  if (auto in = r.WithinBounds()) return *in ? "within" : "OUTSIDE";
  return "";
}

std::string SummaryLine(const char* what, const ErrorSummary& s) {
  if (s.rows == 0) return fmt::format("{} -", what);
  return fmt::format("{} {} / {} ({} rows)", what, Percent(s.median_abs), Percent(s.worst_abs), s.rows);
}

nlohmann::json SummaryJson(const ErrorSummary& s) {
  return {{"rows", s.rows}, {"median_abs_error", s.median_abs}, {"worst_abs_error", s.worst_abs}};
}

nlohmann::json Optional(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

std::string Percent(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }

std::string ValidationText(const std::vector<FamilyReport>& families) {
  std::string out;
  for (const FamilyReport& f : families) {
    if (!out.empty()) out += "\n";
    out += fmt::format("== {}: {}\n", f.family, f.title);
    Table t({"case", "metric", "unit", "published", "fleetsim", "error", "role", "source", "detail"});
    for (const ValidationRow& r : f.rows) {
      t.AddRow({r.id, r.metric, r.unit, r.published.text, Number(r.predicted), ErrorCell(r), RoleName(r.role),
                r.source, r.detail});
    }
    out += t.RenderText();
    out += fmt::format("median / worst |error|: {}; {}; {}\n", SummaryLine("all", f.all),
                       SummaryLine("calibration", f.calibration), SummaryLine("check", f.check));
    if (f.bounds > 0) out += fmt::format("stated bounds met: {} of {}\n", f.bounds_met, f.bounds);
    for (const std::string& n : f.notes) out += fmt::format("note: {}\n", n);
  }
  return out;
}

nlohmann::json ValidationJson(const std::vector<FamilyReport>& families) {
  nlohmann::json out = {{"families", nlohmann::json::array()}};
  for (const FamilyReport& f : families) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ValidationRow& r : f.rows) {
      const auto in = r.WithinBounds();
      rows.push_back({{"case", r.id},
                      {"source", r.source},
                      {"metric", r.metric},
                      {"unit", r.unit},
                      {"published", Optional(r.published.value)},
                      {"published_text", r.published.text},
                      {"published_lower", Optional(r.published.lower)},
                      {"published_upper", Optional(r.published.upper)},
                      {"predicted", r.predicted},
                      {"error", Optional(r.Error())},
                      {"within_bounds", in ? nlohmann::json(*in) : nlohmann::json()},
                      {"role", RoleName(r.role)},
                      {"detail", r.detail}});
    }
    out["families"].push_back({{"family", f.family},
                               {"title", f.title},
                               {"rows", rows},
                               {"summary",
                                {{"all", SummaryJson(f.all)},
                                 {"calibration", SummaryJson(f.calibration)},
                                 {"check", SummaryJson(f.check)},
                                 {"bounds", f.bounds},
                                 {"bounds_met", f.bounds_met}}},
                               {"notes", f.notes}});
  }
  return out;
}

std::string ValidationCsv(const std::vector<FamilyReport>& families) {
  Table t({"family", "case", "metric", "unit", "published", "predicted", "error", "within_bounds", "role",
           "source", "detail"});
  for (const FamilyReport& f : families) {
    for (const ValidationRow& r : f.rows) {
      const auto e = r.Error();
      const auto in = r.WithinBounds();
      t.AddRow({f.family, r.id, r.metric, r.unit, r.published.text, fmt::format("{:.6g}", r.predicted),
                e ? fmt::format("{:.6g}", *e) : "", in ? (*in ? "true" : "false") : "", RoleName(r.role), r.source,
                r.detail});
    }
  }
  return t.RenderCsv();
}

}  // namespace fleetsim
