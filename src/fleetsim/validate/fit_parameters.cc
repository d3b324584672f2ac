#include "fleetsim/validate/fit_parameters.h"

#include <fmt/format.h>

#include <type_traits>

namespace fleetsim {
namespace {

// Fractions of a peak are fitted in (0.05, 1); the fixed cost of one kernel in (0.1 us, 100 us); a stack's jitter
// (coefficient of variation of one device's step time) in (0.01%, 50%), the range data/stacks.yaml allows above
// zero, probed from 1%.
// clang-format off
const std::vector<FitParameter> kParameters = {
    {"matmul",          &ComputeEfficiency::matmul,          0.05, 1.0,    true},
    {"fp8_matmul",      &ComputeEfficiency::fp8_matmul,      0.05, 1.0,    true},
    {"int8_matmul",     &ComputeEfficiency::int8_matmul,     0.05, 1.0,    true},
    {"fp4_matmul",      &ComputeEfficiency::fp4_matmul,      0.05, 1.0,    true},
    {"attention",       &ComputeEfficiency::attention,       0.05, 1.0,    true},
    {"memory",          &ComputeEfficiency::memory,          0.05, 1.0,    true},
    {"kernel_overhead", &ComputeEfficiency::kernel_overhead, 1e-7, 1e-4,   true},
    {"jitter",          &StackSpec::jitter,                  1e-4, 0.5,    true, 0.01},
};
// clang-format on

}  // namespace

bool FitParameter::OfStack() const { return std::holds_alternative<double StackSpec::*>(member); }

double FitParameter::Get(const FitValues& v) const {
  return std::visit(
      [&](auto m) -> double {
        using M = decltype(m);
        if constexpr (std::is_same_v<M, double ComputeEfficiency::*>) {
          return v.efficiency.*m;
        } else if constexpr (std::is_same_v<M, Seconds ComputeEfficiency::*>) {
          return (v.efficiency.*m).value();
        } else {
          return v.stack.*m;
        }
      },
      member);
}

void FitParameter::Set(FitValues& v, double value) const {
  std::visit(
      [&](auto m) {
        using M = decltype(m);
        if constexpr (std::is_same_v<M, double ComputeEfficiency::*>) {
          v.efficiency.*m = value;
        } else if constexpr (std::is_same_v<M, Seconds ComputeEfficiency::*>) {
          v.efficiency.*m = Seconds(value);
        } else {
          v.stack.*m = value;
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
