#include "fleetsim/validate/fit_parameters.h"

#include <fmt/format.h>

#include <type_traits>

namespace fleetsim {
namespace {

// Fractions of a peak are fitted in (0.05, 1); the fixed cost of one kernel in (0.1 us, 100 us).
// clang-format off
const std::vector<FitParameter> kParameters = {
    {"matmul",          &ComputeEfficiency::matmul,          0.05, 1.0,    true},
    {"fp8_matmul",      &ComputeEfficiency::fp8_matmul,      0.05, 1.0,    true},
    {"int8_matmul",     &ComputeEfficiency::int8_matmul,     0.05, 1.0,    true},
    {"fp4_matmul",      &ComputeEfficiency::fp4_matmul,      0.05, 1.0,    true},
    {"attention",       &ComputeEfficiency::attention,       0.05, 1.0,    true},
    {"memory",          &ComputeEfficiency::memory,          0.05, 1.0,    true},
    {"kernel_overhead", &ComputeEfficiency::kernel_overhead, 1e-7, 1e-4,   true},
};
// clang-format on

}  // namespace

double FitParameter::Get(const ComputeEfficiency& e) const {
  return std::visit(
      [&](auto m) {
        if constexpr (std::is_same_v<decltype(m), double ComputeEfficiency::*>) {
          return e.*m;
        } else {
          return (e.*m).value();
        }
      },
      member);
}

void FitParameter::Set(ComputeEfficiency& e, double value) const {
  std::visit(
      [&](auto m) {
        if constexpr (std::is_same_v<decltype(m), double ComputeEfficiency::*>) {
          e.*m = value;
        } else {
          e.*m = Seconds(value);
        }
      },
      member);
}

std::string FitParameter::Yaml(double value) const {
  if (std::holds_alternative<Seconds ComputeEfficiency::*>(member))
    return fmt::format("\"{:.6g}us\"", value * 1e6);
  return fmt::format("{:.6g}", value);
}

std::string FitParameter::Display(double value) const {
  if (std::holds_alternative<Seconds ComputeEfficiency::*>(member)) return fmt::format("{:.4g} us", value * 1e6);
  return fmt::format("{:.4g}", value);
}

const std::vector<FitParameter>& FitParameters() { return kParameters; }

const FitParameter* FindFitParameter(std::string_view name) {
  for (const FitParameter& p : kParameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> FitParameterNames() {
  std::vector<std::string> names;
  for (const FitParameter& p : kParameters) names.emplace_back(p.name);
  return names;
}

}  // namespace fleetsim
