// The efficiency parameters `fleetsim calibrate` can fit, by name: each a member of ComputeEfficiency
// (catalog/accelerator.h) with the bounds a fit keeps it in. This table is the one place to list them: a new
// ComputeEfficiency field becomes fittable (and writable to an overlay) by adding one line here.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fleetsim/catalog/accelerator.h"

namespace fleetsim {

struct FitParameter {
  std::string_view name;  // the key in a catalog file's `calibration:` entry
  std::variant<double ComputeEfficiency::*, Seconds ComputeEfficiency::*> member;
  double lower;  // bounds in base units (a fraction, or seconds)
  double upper;
  bool fit_by_default;  // fitted when --fit is not given and the cases exercise it

  double Get(const ComputeEfficiency& e) const;
  void Set(ComputeEfficiency& e, double value) const;
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
