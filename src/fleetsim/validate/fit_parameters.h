// The parameters `fleetsim calibrate` can fit, by name: the members of an accelerator's ComputeEfficiency
// (catalog/accelerator.h) and a software stack's jitter (catalog/stack.h), each with the bounds a fit keeps it in.
// This table is the one place to list them: a new ComputeEfficiency or StackSpec field becomes fittable (and
// writable to an overlay) by adding one line here.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fleetsim/catalog/accelerator.h"
#include "fleetsim/catalog/stack.h"

namespace fleetsim {

// What a fit moves: one accelerator's efficiencies and one stack's switches.
struct FitValues {
  ComputeEfficiency efficiency;
  StackSpec stack;
};

struct FitParameter {
  std::string_view name;  // the key in a catalog file's `calibration:` (or `stacks:`) entry
  std::variant<double ComputeEfficiency::*, Seconds ComputeEfficiency::*, double StackSpec::*> member;
  double lower;  // bounds in base units (a fraction, or seconds)
  double upper;
  bool fit_by_default;  // fitted when --fit is not given and the cases exercise it
  // Where a fit of zero (or of an unset value) starts, so that its sensitivity can be measured: a stack's jitter
  // of 0 changes nothing at any small step. 0: start from the catalog's value.
  double probe = 0;

  // Whether it is a stack's switch (written to an overlay's `stacks:`), not an accelerator's efficiency.
  bool OfStack() const;
  double Get(const FitValues& v) const;
  void Set(FitValues& v, double value) const;
  // The value as a catalog file writes it ("0.7123", "4.2us").
  std::string Yaml(double value) const;
  // The value for people ("0.7123", "4.2 us").
  std::string Display(double value) const;
};

const std::vector<FitParameter>& FitParameters();
// Null when `name` is not fittable.
const FitParameter* FindFitParameter(std::string_view name);
std::vector<std::string> FitParameterNames();

}  // namespace fleetsim
