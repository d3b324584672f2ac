// Calibrate: fits a few parameters (FitParameters) of one accelerator, and the jitter of the software stack the
// cases run on, to measured training runs, by minimising the sum over cases of log(predicted / measured)^2 with
// NLopt's derivative-free, bounded Subplex (LN_SBPLX; the estimator's max() terms and `auto` plan choices make the
// objective only piecewise smooth), in log parameter space. Deterministic: the same cases, catalog and options
// give the same fit. Reports the error before and after the fit, and the leave-one-out error (each case predicted
// by a fit to all the others: a refit per case, the parameters chosen once from all cases).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/validate/training_cases.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {

struct CalibrationOptions {
  std::string accelerator;          // empty: the one accelerator the cases run on
  std::string stack;                // whose jitter to fit; empty: the one stack the cases run on
  std::vector<std::string> fields;  // empty: the default fields that the cases exercise
  int max_evaluations = 4000;       // per fit
  bool leave_one_out = true;
  // Cases on accelerators that take `accelerator`'s parameters (their catalog `relative`) count too.
  bool include_relatives = false;
  // The fitted fields start from fleetsim's uncalibrated defaults (ComputeEfficiency, a stack's jitter probe), not
  // from the catalog's values, which cross-validation must not see.
  bool start_from_defaults = false;
};

struct CaseFit {
  std::string id;
  int line = 0;
  std::string metric;
  double measured = 0;
  double before = 0;               // predicted with the starting (catalog) parameters
  double fitted = 0;               // predicted with the fitted parameters
  std::optional<double> left_out;  // predicted by a fit to the other cases
  double FitError() const { return fitted / measured - 1; }
};

struct FittedField {
  std::string name;
  double start = 0;  // the catalog's value
  double fitted = 0;
  double sensitivity = 0;  // max over cases of |d log(prediction) / d log(parameter)| at the start
};

struct CalibrationResult {
  std::string accelerator;
  std::string stack;      // the stack whose jitter was fitted; empty when jitter was not fitted
  std::string algorithm;  // "NLopt LN_SBPLX"
  std::vector<FittedField> fields;
  std::vector<CaseFit> cases;
  ErrorSummary before, fit;
  std::optional<ErrorSummary> leave_one_out;  // absent with fewer than two cases
  int evaluations = 0;                        // of the main fit
  std::vector<std::string> notes;             // cases skipped, fields left out, and why
};

// Bad input (no case on the accelerator, unknown --fit field or --stack, a bad case) is an InputError.
CalibrationResult Calibrate(const std::vector<TrainingCase>& cases, const Catalog& catalog,
                            const CalibrationOptions& options = {});

// The fitted values applied to a scenario: its accelerator's efficiencies, and the jitter when it runs the fitted
// stack (as an overlay of the result would set them).
void ApplyFit(const CalibrationResult& result, Scenario& s);

// The fitted parameters as a catalog overlay (`calibration:` section, and a `stacks:` entry for a fitted jitter)
// for --catalog-overlay; `cases_file` is named in its header comment.
std::string CalibrationOverlayYaml(const CalibrationResult& result, const std::string& cases_file);

}  // namespace fleetsim
