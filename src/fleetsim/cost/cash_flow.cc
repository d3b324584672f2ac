#include "fleetsim/cost/cash_flow.h"

#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {

double Npv(const std::vector<CashFlow>& flows, double rate) {
  FLEETSIM_CHECK(rate > -1.0);
  double sum = 0.0;
  for (const CashFlow& f : flows) sum += f.usd * std::pow(1.0 + rate, -f.t_years);
  return sum;
}

std::optional<double> Irr(const std::vector<CashFlow>& flows) {
  // Safeguarded Newton: a Newton step while it stays inside the bracket that holds the sign change, else bisect.
  double lo = -0.99;
  double hi = 10.0;
  double f_lo = Npv(flows, lo);
  const double f_hi = Npv(flows, hi);
  if (f_lo == 0.0) return lo;
  if (f_hi == 0.0) return hi;
  if ((f_lo > 0) == (f_hi > 0)) return std::nullopt;
  double r = 0.1;
  for (int i = 0; i < 200; ++i) {
    double value = 0.0;
    double slope = 0.0;
    for (const CashFlow& f : flows) {
      const double d = std::pow(1.0 + r, -f.t_years);
      value += f.usd * d;
      slope -= f.t_years * f.usd * d / (1.0 + r);
    }
    if (value == 0.0) return r;
    if ((value > 0) == (f_lo > 0)) {
      lo = r;
      f_lo = value;
    } else {
      hi = r;
    }
    double next = slope != 0.0 ? r - value / slope : lo - 1.0;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - r) < 1e-12 || hi - lo < 1e-12) return next;
    r = next;
  }
  return r;
}

std::optional<double> PaybackYears(const std::vector<CashFlow>& flows) {
  double cumulative = 0.0;
  double t_prev = 0.0;
  bool ever_negative = false;
  for (const CashFlow& f : flows) {
    const double before = cumulative;
    cumulative += f.usd;
    if (before < 0.0 && cumulative >= 0.0) return t_prev + (f.t_years - t_prev) * (-before / f.usd);
    ever_negative |= cumulative < 0.0;
    t_prev = f.t_years;
  }
  if (!ever_negative) return 0.0;
  return std::nullopt;
}

double CapitalRecoveryFactor(double rate, double years) {
  FLEETSIM_CHECK(years > 0);
  if (std::fabs(rate) < 1e-12) return 1.0 / years;
  return rate / (1.0 - std::pow(1.0 + rate, -years));
}

double AnnuityFactor(double rate, double years) {
  double sum = 0.0;
  const int whole = static_cast<int>(std::floor(years + 1e-9));
  for (int t = 1; t <= whole; ++t) sum += std::pow(1.0 + rate, -t);
  const double part = years - whole;
  if (part > 1e-9) sum += part * std::pow(1.0 + rate, -years);
  return sum;
}

}  // namespace fleetsim
