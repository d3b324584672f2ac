#include "fleetsim/validate/calibrator.h"

#include <fmt/format.h>
#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>

#include "fleetsim/core/error.h"
#include "fleetsim/core/suggest.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/validate/fit_parameters.h"

namespace fleetsim {
namespace {

// A field the default selection fits must move some case's prediction by at least 1% per 100% change.
constexpr double kMinSensitivity = 0.01;

// Sets `params[k]` to `values[k]` on a case's scenario; a stack parameter only when the scenario runs `stack`.
void Apply(const std::vector<const FitParameter*>& params, const double* values, const std::string& stack,
           Scenario& s) {
  FitValues v{s.cluster.accelerator.efficiency, s.training.stack};
  for (size_t k = 0; k < params.size(); ++k) {
    if (params[k]->OfStack() && v.stack.id != stack) continue;
    params[k]->Set(v, values[k]);
  }
  s.cluster.accelerator.efficiency = v.efficiency;
  s.training.stack = v.stack;
}

struct Problem {
  std::vector<const TrainingCase*> cases;
  std::vector<Scenario> scenarios;
  std::vector<const FitParameter*> params;
  std::string stack;  // whose jitter a stack parameter sets

  // The case's prediction with `params` at `values` (linear, not log).
  double Predict(size_t i, const std::vector<const FitParameter*>& with, const double* values) const {
    Scenario s = scenarios[i];
    Apply(with, values, stack, s);
    return PredictMetric((*cases[i])["metric"], s, EstimateScenario(s));
  }
  double PredictLog(size_t i, const double* log_x) const {
    std::vector<double> v(params.size());
    for (size_t k = 0; k < v.size(); ++k) v[k] = std::exp(log_x[k]);
    return Predict(i, params, v.data());
  }
};

struct FitState {
  const Problem* problem;
  std::vector<size_t> active;  // the cases this fit uses
  int evaluations = 0;
  std::exception_ptr error;
};

double SquaredLogError(double predicted, double measured) {
  if (!(predicted > 0) || !std::isfinite(predicted)) return 1e6;
  const double l = std::log(predicted / measured);
  return l * l;
}

double Objective(unsigned, const double* x, double*, void* data) {
  auto* st = static_cast<FitState*>(data);
  ++st->evaluations;
  try {
    double sum = 0;
    for (size_t i : st->active)
      sum += SquaredLogError(st->problem->PredictLog(i, x), st->problem->cases[i]->value);
    return sum;
  } catch (...) {
    st->error = std::current_exception();
    return HUGE_VAL;
  }
}

// Minimises from `start` (log parameters); returns the optimum and the number of evaluations.
std::vector<double> Fit(const Problem& p, std::vector<size_t> active, const std::vector<double>& start,
                        int max_evaluations, int* evaluations) {
  const unsigned n = static_cast<unsigned>(start.size());
  nlopt_opt opt = nlopt_create(NLOPT_LN_SBPLX, n);
  if (!opt) throw std::runtime_error("NLopt could not create its optimiser");
  std::vector<double> lower, upper;
  for (const FitParameter* f : p.params) {
    lower.push_back(std::log(f->lower));
    upper.push_back(std::log(f->upper));
  }
  FitState state{&p, std::move(active), 0, nullptr};
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  nlopt_set_min_objective(opt, Objective, &state);
  nlopt_set_xtol_abs1(opt, 1e-6);  // in log space: a relative change of 1e-6 in every parameter
  nlopt_set_ftol_abs(opt, 1e-16);
  nlopt_set_initial_step1(opt, 0.1);
  nlopt_set_maxeval(opt, max_evaluations);
  std::vector<double> x = start;
  double value = 0;
  const nlopt_result result = nlopt_optimize(opt, x.data(), &value);
  nlopt_destroy(opt);
  if (state.error) std::rethrow_exception(state.error);
  if (result < 0) throw std::runtime_error(fmt::format("NLopt failed (code {})", static_cast<int>(result)));
  if (evaluations) *evaluations = state.evaluations;
  return x;
}

std::string ChooseAccelerator(const std::vector<TrainingCase>& cases, const Catalog& catalog,
                              const std::string& wanted) {
  if (!wanted.empty()) {
    if (!catalog.FindAccelerator(wanted)) {
      throw InputError("", 0,
                       fmt::format("--accelerator: '{}' is not an accelerator id{}", wanted,
                                   DidYouMean(wanted, catalog.AcceleratorIds())));
    }
    return wanted;
  }
  std::set<std::string> ids;
  for (const TrainingCase& c : cases) ids.insert(c["accelerator"]);
  if (ids.size() != 1) {
    throw InputError("", 0,
                     fmt::format("the cases run on {} accelerators ({}); choose one with --accelerator",
                                 ids.size(), JoinList({ids.begin(), ids.end()})));
  }
  return *ids.begin();
}

// The stack whose jitter can be fitted, or "" with a note saying why none. An unknown --stack, or one no case
// runs, is an InputError.
std::string ChooseStack(const Problem& p, const Catalog& catalog, const std::string& wanted,
                        std::vector<std::string>& notes) {
  std::set<std::string> ids;
  for (const Scenario& s : p.scenarios) ids.insert(s.training.stack.id);
  if (!wanted.empty()) {
    if (!catalog.FindStack(wanted)) {
      throw InputError(
          "", 0, fmt::format("--stack: '{}' is not a stack id{}", wanted, DidYouMean(wanted, catalog.StackIds())));
    }
    if (!ids.count(wanted)) {
      throw InputError("", 0,
                       fmt::format("--stack: no case runs on stack '{}' (they run on {})", wanted,
                                   JoinList({ids.begin(), ids.end()})));
    }
    return wanted;
  }
  if (ids.size() == 1) return *ids.begin();
  notes.push_back(fmt::format("the cases run on {} stacks ({}); jitter is fitted for one named with --stack",
                              ids.size(), JoinList({ids.begin(), ids.end()})));
  return "";
}

}  // namespace

CalibrationResult Calibrate(const std::vector<TrainingCase>& cases, const Catalog& catalog,
                            const CalibrationOptions& options) {
  CalibrationResult out;
  out.algorithm = "NLopt LN_SBPLX (Subplex), log parameters, bounded";
  out.accelerator = ChooseAccelerator(cases, catalog, options.accelerator);
  Problem p;
  std::vector<std::string> skipped;
  for (const TrainingCase& c : cases) {
    const Accelerator* a = catalog.FindAccelerator(c["accelerator"]);
    const bool takes = options.include_relatives && a && a->efficiency.relative == out.accelerator;
    if (c["accelerator"] != out.accelerator && !takes) {
      skipped.push_back(c.id());
      continue;
    }
    p.cases.push_back(&c);
    p.scenarios.push_back(CaseScenario(c, catalog));
  }
  if (p.cases.empty()) {
    throw InputError("", 0, fmt::format("no case runs on accelerator '{}'", out.accelerator));
  }
  if (!skipped.empty()) {
    out.notes.push_back(
        fmt::format("{} case(s) on other accelerators skipped: {}", skipped.size(), JoinList(skipped)));
  }

  // Candidates.
  std::vector<const FitParameter*> candidates;
  if (options.fields.empty()) {
    for (const FitParameter& f : FitParameters()) {
      if (f.fit_by_default) candidates.push_back(&f);
    }
  } else {
    std::set<std::string> seen;
    for (const std::string& name : options.fields) {
      const FitParameter* f = FindFitParameter(name);
      if (!f) {
        throw InputError("", 0,
                         fmt::format("--fit: '{}' is not a fittable parameter{}; one of: {}", name,
                                     DidYouMean(name, FitParameterNames()), JoinList(FitParameterNames())));
      }
      if (!seen.insert(name).second) throw InputError("", 0, fmt::format("--fit: '{}' given twice", name));
      candidates.push_back(f);
    }
  }
  const bool wants_stack =
      std::any_of(candidates.begin(), candidates.end(), [](const FitParameter* f) { return f->OfStack(); });
  if (wants_stack || !options.stack.empty()) p.stack = ChooseStack(p, catalog, options.stack, out.notes);
  if (wants_stack) {
    // A stack's jitter shows only in how the step time grows with the number of devices that synchronise: it
    // needs cases on the stack at more than one size.
    std::set<int64_t> sizes;
    for (const Scenario& s : p.scenarios) {
      if (!p.stack.empty() && s.training.stack.id == p.stack) sizes.insert(s.cluster.count);
    }
    std::string why;
    if (p.stack.empty()) {
      why = "no single stack";
    } else if (sizes.size() < 2) {
      why = fmt::format(
          "the cases on stack '{}' all run on {} devices; jitter needs cases at different "
          "data-parallel sizes",
          p.stack, sizes.empty() ? 0 : *sizes.begin());
    }
    if (!why.empty()) {
      if (!options.fields.empty()) throw InputError("", 0, "--fit jitter: " + why);
      out.notes.push_back("jitter not fitted: " + why);
      candidates.erase(
          std::remove_if(candidates.begin(), candidates.end(), [](const FitParameter* f) { return f->OfStack(); }),
          candidates.end());
      p.stack.clear();
    }
  }

  // Starting values: the catalog's (or the uncalibrated defaults), a zero jitter at its probe, inside the bounds.
  const Accelerator& acc = *catalog.FindAccelerator(out.accelerator);
  const StackSpec* stack = p.stack.empty() ? nullptr : catalog.FindStack(p.stack);
  const FitValues catalog_values{acc.efficiency, stack ? *stack : StackSpec{}};
  const FitValues defaults{ComputeEfficiency{}, StackSpec{}};
  std::vector<double> start_values;
  for (const FitParameter* f : candidates) {
    double v = f->Get(options.start_from_defaults ? defaults : catalog_values);
    if (v < f->probe) v = f->probe;
    start_values.push_back(std::clamp(v, f->lower * 1.001, f->upper * 0.999));
  }

  // Each candidate's sensitivity at the start: how much a 10% change moves the most affected case.
  std::vector<double> base_predictions, start_predictions;
  for (size_t i = 0; i < p.cases.size(); ++i) {
    base_predictions.push_back(p.Predict(i, {}, nullptr));
    start_predictions.push_back(p.Predict(i, candidates, start_values.data()));
  }
  std::vector<double> sensitivity;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const FitParameter* f = candidates[k];
    const double factor = start_values[k] * 0.9 >= f->lower ? 0.9 : 1.1;
    std::vector<double> moved = start_values;
    moved[k] *= factor;
    double s = 0;
    for (size_t i = 0; i < p.cases.size(); ++i) {
      s = std::max(s, std::fabs(std::log(p.Predict(i, candidates, moved.data()) / start_predictions[i]) /
                                std::log(factor)));
    }
    sensitivity.push_back(s);
  }
  std::vector<size_t> chosen;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (!options.fields.empty() || sensitivity[k] >= kMinSensitivity) chosen.push_back(k);
  }
  if (options.fields.empty()) {
    std::vector<std::string> unused;
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (sensitivity[k] < kMinSensitivity) unused.emplace_back(candidates[k]->name);
    }
    if (!unused.empty())
      out.notes.push_back("not exercised by these cases, left as they are: " + JoinList(unused));
    // No more fields than cases: keep the ones the cases are most sensitive to.
    if (chosen.size() > p.cases.size()) {
      std::stable_sort(chosen.begin(), chosen.end(),
                       [&](size_t a, size_t b) { return sensitivity[a] > sensitivity[b]; });
      std::vector<std::string> dropped;
      for (size_t k = p.cases.size(); k < chosen.size(); ++k) dropped.emplace_back(candidates[chosen[k]]->name);
      chosen.resize(p.cases.size());
      std::sort(chosen.begin(), chosen.end());
      out.notes.push_back(fmt::format("{} case(s) fix at most as many parameters; also left as they are: {}",
                                      p.cases.size(), JoinList(dropped)));
    }
  }
  if (chosen.empty()) throw InputError("", 0, "the cases exercise none of the fittable parameters");
  if (chosen.size() > p.cases.size()) {
    out.notes.push_back(
        fmt::format("{} parameters from {} case(s): the fit is not unique", chosen.size(), p.cases.size()));
  }
  std::vector<double> start;
  for (size_t k : chosen) {
    const FitParameter* f = candidates[k];
    p.params.push_back(f);
    if (f->OfStack()) out.stack = p.stack;
    start.push_back(std::log(start_values[k]));
    out.fields.push_back({std::string(f->name), f->Get(catalog_values), 0, sensitivity[k]});
  }

  std::vector<size_t> all(p.cases.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<double> x = Fit(p, all, start, options.max_evaluations, &out.evaluations);
  for (size_t k = 0; k < x.size(); ++k) {
    FittedField& f = out.fields[k];
    f.fitted = std::exp(x[k]);
    const FitParameter& param = *p.params[k];
    const bool low = f.fitted <= param.lower * 1.001, high = f.fitted >= param.upper * 0.999;
    if (param.OfStack() && low) {
      out.notes.push_back(
          fmt::format("{} ended at its lower bound {}: these cases show no loss that grows with "
                      "the number of devices",
                      f.name, param.Display(param.lower)));
    } else if (low || high) {
      out.notes.push_back(
          fmt::format("{} ended at its bound {}: these cases ask for more than it can give, which "
                      "points at something else in the model (or in the cases), not at {}",
                      f.name, param.Display(high ? param.upper : param.lower), f.name));
    }
  }
  if (out.evaluations >= options.max_evaluations) {
    out.notes.push_back(fmt::format("the fit stopped at its limit of {} evaluations", options.max_evaluations));
  }
  std::vector<double> fitted_values(x.size());
  for (size_t k = 0; k < x.size(); ++k) fitted_values[k] = std::exp(x[k]);
  std::vector<double> before_errors, fit_errors, loo_errors;
  for (size_t i = 0; i < p.cases.size(); ++i) {
    CaseFit c;
    c.id = p.cases[i]->id();
    c.line = p.cases[i]->line;
    c.metric = (*p.cases[i])["metric"];
    c.measured = p.cases[i]->value;
    c.before = base_predictions[i];
    c.fitted = p.Predict(i, p.params, fitted_values.data());
    before_errors.push_back(c.before / c.measured - 1);
    fit_errors.push_back(c.FitError());
    if (options.leave_one_out && p.cases.size() > 1) {
      // A real leave-one-out: the same parameters refitted, from the same start, on every case but this one.
      std::vector<size_t> others;
      for (size_t j : all) {
        if (j != i) others.push_back(j);
      }
      const std::vector<double> xi = Fit(p, others, start, options.max_evaluations, nullptr);
      c.left_out = p.PredictLog(i, xi.data());
      loo_errors.push_back(*c.left_out / c.measured - 1);
    }
    out.cases.push_back(std::move(c));
  }
  out.before = SummarizeErrors(before_errors);
  out.fit = SummarizeErrors(fit_errors);
  if (!loo_errors.empty()) out.leave_one_out = SummarizeErrors(loo_errors);
  return out;
}

void ApplyFit(const CalibrationResult& r, Scenario& s) {
  std::vector<const FitParameter*> params;
  std::vector<double> values;
  for (const FittedField& f : r.fields) {
    params.push_back(FindFitParameter(f.name));
    values.push_back(f.fitted);
  }
  Apply(params, values.data(), r.stack, s);
}

std::string CalibrationOverlayYaml(const CalibrationResult& r, const std::string& cases_file) {
  std::vector<std::string> names;
  for (const FittedField& f : r.fields) names.push_back(f.name);
  std::string y = fmt::format("# Written by `fleetsim calibrate`: {} fitted to {} case(s) of {} ({}) with {}.\n",
                              r.accelerator, r.cases.size(), cases_file, JoinList(names), r.algorithm);
  y += fmt::format("# |error| median / worst: before {:.2f}% / {:.2f}%, fit {:.2f}% / {:.2f}%",
                   100 * r.before.median_abs, 100 * r.before.worst_abs, 100 * r.fit.median_abs,
                   100 * r.fit.worst_abs);
  if (r.leave_one_out) {
    y += fmt::format(", leave-one-out {:.2f}% / {:.2f}%", 100 * r.leave_one_out->median_abs,
                     100 * r.leave_one_out->worst_abs);
  }
  y += ".\n# Use it with any command: --catalog-overlay FILE.\n";
  std::string efficiencies, stack;
  for (const FittedField& f : r.fields) {
    const FitParameter* p = FindFitParameter(f.name);
    (p->OfStack() ? stack : efficiencies) += fmt::format("    {}: {}\n", f.name, p->Yaml(f.fitted));
  }
  if (!efficiencies.empty()) y += fmt::format("calibration:\n  {}:\n", r.accelerator) + efficiencies;
  if (!stack.empty()) y += fmt::format("stacks:\n  - id: {}\n", r.stack) + stack;
  return y;
}

}  // namespace fleetsim
