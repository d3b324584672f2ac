#include "fleetsim/validate/cross_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "fleetsim/core/suggest.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/report/table.h"
#include "fleetsim/validate/calibration_rows.h"
#include "fleetsim/validate/calibrator.h"
#include "fleetsim/validate/fit_parameters.h"
#include "fleetsim/validate/validation_output.h"

namespace fleetsim {
namespace {

// The efficiency a row's GEMMs exercise: its precision's.
std::string FieldOf(Precision p) {
  switch (p) {
    case Precision::kFp8:
    case Precision::kMxfp8:
      return "fp8_matmul";
    case Precision::kInt8:
      return "int8_matmul";
    case Precision::kFp4:
      return "fp4_matmul";
    default:
      return "matmul";
  }
}

// The calibrated accelerator whose parameters a scenario's chip uses.
std::string TargetOf(const Scenario& s) {
  const Accelerator& a = s.cluster.accelerator;
  return a.efficiency.calibrated() ? a.id : a.efficiency.relative;
}

struct CaseInfo {
  const TrainingCase* c;
  std::string group;
  std::string target;
  std::string field;
  bool calibration;
};

double Predict(const TrainingCase& c, const Scenario& s) {
  return PredictMetric(c["metric"], s, EstimateScenario(s));
}

}  // namespace

std::string SourceGroup(const std::string& source) {
  const std::string mlperf = "MLPerf Training v";
  if (source.starts_with(mlperf)) {
    const size_t end = source.find(' ', mlperf.size());
    return source.substr(0, end);
  }
  size_t cut = source.size();
  for (const char* word : {" Table", " section"}) cut = std::min(cut, source.find(word));
  return source.substr(0, cut);
}

CrossValidation CrossValidateBySource(const std::vector<TrainingCase>& cases, const Catalog& catalog) {
  std::vector<CaseInfo> info;
  std::vector<std::string> groups;
  for (const TrainingCase& c : cases) {
    const Scenario s = CaseScenario(c, catalog);
    info.push_back(
        {&c, SourceGroup(c["source"]), TargetOf(s), FieldOf(s.training.precision), IsCalibrationRow(c.id())});
    if (std::find(groups.begin(), groups.end(), info.back().group) == groups.end())
      groups.push_back(info.back().group);
  }

  CrossValidation cv;
  std::map<std::string, size_t> row_of;
  for (const CaseInfo& i : info) {
    CrossValidationRow r;
    r.id = i.c->id();
    r.group = i.group;
    r.role = i.calibration ? Role::kCalibration : Role::kCheck;
    r.published = i.c->value;
    r.in_sample = Predict(*i.c, CaseScenario(*i.c, catalog));
    r.out_of_sample = r.in_sample;
    row_of[r.id] = cv.rows.size();
    cv.rows.push_back(std::move(r));
  }

  const FitValues defaults{ComputeEfficiency{}, StackSpec{}};
  for (const std::string& group : groups) {
    SourceFold fold{group, {}};
    // (target accelerator, field) pairs the group's calibration rows fix.
    std::set<std::pair<std::string, std::string>> fixed;
    for (const CaseInfo& i : info) {
      if (i.group == group && i.calibration) fixed.insert({i.target, i.field});
    }
    for (const auto& [target, field] : fixed) {
      const FitParameter* param = FindFitParameter(field);
      SourceRefit refit{target, field, param->Get({catalog.FindAccelerator(target)->efficiency, StackSpec{}}),
                        0,      {},    false};
      auto pool = [&](bool calibration_only) {
        std::vector<TrainingCase> out;
        for (const CaseInfo& i : info) {
          if (i.group != group && i.target == target && i.field == field && (i.calibration || !calibration_only))
            out.push_back(*i.c);
        }
        return out;
      };
      std::vector<TrainingCase> rows = pool(true);
      if (rows.empty()) {
        rows = pool(false);
        refit.check_rows_stand_in = !rows.empty();
      }
      if (rows.empty()) {
        refit.refitted = param->Get(defaults);
      } else {
        CalibrationOptions options;
        options.accelerator = target;
        options.fields = {field};
        options.leave_one_out = false;
        options.include_relatives = true;
        options.start_from_defaults = true;  // the catalog's value saw the left-out group
        const CalibrationResult fit = Calibrate(rows, catalog, options);
        refit.refitted = fit.fields.front().fitted;
        for (const CaseFit& f : fit.cases) refit.fit_rows.push_back(f.id);
      }
      fold.refits.push_back(refit);
    }
    // The group's rows, predicted with what the other sources fix.
    for (const CaseInfo& i : info) {
      if (i.group != group) continue;
      Scenario s = CaseScenario(*i.c, catalog);
      CrossValidationRow& r = cv.rows[row_of[i.c->id()]];
      for (const SourceRefit& refit : fold.refits) {
        if (refit.accelerator != i.target) continue;
        r.refitted = true;
        FitValues v{s.cluster.accelerator.efficiency, s.training.stack};
        FindFitParameter(refit.field)->Set(v, refit.refitted);
        s.cluster.accelerator.efficiency = v.efficiency;
        if (refit.fit_rows.empty() && refit.field == i.field) r.defaulted = true;
      }
      r.out_of_sample = Predict(*i.c, s);
    }
    cv.folds.push_back(std::move(fold));
  }

  std::vector<double> in, out, refitted, other;
  for (const CrossValidationRow& r : cv.rows) {
    in.push_back(r.InSampleError());
    out.push_back(r.OutOfSampleError());
    if (r.refitted) refitted.push_back(r.OutOfSampleError());
    if (r.refitted && !r.defaulted) other.push_back(r.OutOfSampleError());
  }
  cv.in_sample = SummarizeErrors(in);
  cv.out_of_sample = SummarizeErrors(out);
  cv.refitted = SummarizeErrors(refitted);
  cv.refitted_from_other_sources = SummarizeErrors(other);
  return cv;
}

namespace {

std::string RefitText(const SourceRefit& r) {
  const FitParameter* p = FindFitParameter(r.field);
  if (r.fit_rows.empty()) {
    return fmt::format("{} {} {} -> {} (no other source: uncalibrated default)", r.accelerator, r.field,
                       p->Display(r.catalog), p->Display(r.refitted));
  }
  return fmt::format("{} {} {} -> {} on {}{}", r.accelerator, r.field, p->Display(r.catalog),
                     p->Display(r.refitted), JoinList(r.fit_rows),
                     r.check_rows_stand_in ? " (check rows: no other source has a calibration row for it)" : "");
}

std::string Signed(double e) { return fmt::format("{:+.1f}%", 100 * e); }

std::string Summary(const char* what, const ErrorSummary& s) {
  if (s.rows == 0) return fmt::format("{} -", what);
  return fmt::format("{} {} / {} ({} rows)", what, Percent(s.median_abs), Percent(s.worst_abs), s.rows);
}

nlohmann::json SummaryJson(const ErrorSummary& s) {
  return {{"rows", s.rows}, {"median_abs_error", s.median_abs}, {"worst_abs_error", s.worst_abs}};
}

}  // namespace

std::string CrossValidationText(const CrossValidation& cv) {
  std::string out = "== leave-one-source-out: each source's rows predicted by parameters refitted without it\n";
  for (const SourceFold& f : cv.folds) {
    if (f.refits.empty()) continue;
    out += fmt::format("without {}:\n", f.group);
    for (const SourceRefit& r : f.refits) out += fmt::format("  {}\n", RefitText(r));
  }
  out += "\n";
  Table t({"case", "source group", "role", "in-sample", "left out", "note"});
  for (const CrossValidationRow& r : cv.rows) {
    if (!r.refitted) continue;
    t.AddRow({r.id, r.group, RoleName(r.role), Signed(r.InSampleError()), Signed(r.OutOfSampleError()),
              r.defaulted ? "default" : ""});
  }
  out += t.RenderText();
  out += fmt::format("median / worst |error|: {}; {}\n", Summary("in-sample", cv.in_sample),
                     Summary("out-of-sample", cv.out_of_sample));
  out += fmt::format("rows whose source was refitted: {}; {}\n", Summary("all", cv.refitted),
                     Summary("where another source fixes the parameter", cv.refitted_from_other_sources));
  return out;
}

nlohmann::json CrossValidationJson(const CrossValidation& cv) {
  nlohmann::json folds = nlohmann::json::array();
  for (const SourceFold& f : cv.folds) {
    nlohmann::json refits = nlohmann::json::array();
    for (const SourceRefit& r : f.refits) {
      refits.push_back({{"accelerator", r.accelerator},
                        {"field", r.field},
                        {"catalog", r.catalog},
                        {"refitted", r.refitted},
                        {"fit_rows", r.fit_rows},
                        {"check_rows_stand_in", r.check_rows_stand_in},
                        {"default", r.fit_rows.empty()}});
    }
    folds.push_back({{"group", f.group}, {"refits", refits}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const CrossValidationRow& r : cv.rows) {
    rows.push_back({{"case", r.id},
                    {"group", r.group},
                    {"role", RoleName(r.role)},
                    {"published", r.published},
                    {"in_sample", r.in_sample},
                    {"out_of_sample", r.out_of_sample},
                    {"in_sample_error", r.InSampleError()},
                    {"out_of_sample_error", r.OutOfSampleError()},
                    {"refitted", r.refitted},
                    {"default", r.defaulted}});
  }
  return {{"folds", folds},
          {"rows", rows},
          {"summary",
           {{"in_sample", SummaryJson(cv.in_sample)},
            {"out_of_sample", SummaryJson(cv.out_of_sample)},
            {"refitted", SummaryJson(cv.refitted)},
            {"refitted_from_other_sources", SummaryJson(cv.refitted_from_other_sources)}}}};
}

std::string CrossValidationCsv(const CrossValidation& cv) {
  Table t({"case", "group", "role", "published", "in_sample", "out_of_sample", "in_sample_error",
           "out_of_sample_error", "refitted", "default"});
  for (const CrossValidationRow& r : cv.rows) {
    t.AddRow({r.id, r.group, RoleName(r.role), fmt::format("{:.6g}", r.published),
              fmt::format("{:.6g}", r.in_sample), fmt::format("{:.6g}", r.out_of_sample),
              fmt::format("{:.6g}", r.InSampleError()), fmt::format("{:.6g}", r.OutOfSampleError()),
              r.refitted ? "true" : "false", r.defaulted ? "true" : "false"});
  }
  return t.RenderCsv();
}

}  // namespace fleetsim
