// Discounted cash flow arithmetic for the cost and rental models: net present value, internal rate of return,
// payback period and the capital recovery factor. Cash flows are amounts at times in years from the investment
// (t = 0); rates are per year, compounded yearly. Pure functions, no state.
#pragma once

#include <optional>
#include <vector>

namespace fleetsim {

struct CashFlow {
  double t_years = 0.0;
  double usd = 0.0;
};

// Sum of the flows discounted at `rate` per year (rate > -1).
double Npv(const std::vector<CashFlow>& flows, double rate);

// The rate at which the NPV is zero, searched in (-0.99, 10); absent when the NPV does not change sign there
// (e.g. flows that never recover the investment at any rate above -99%). Accurate to 1e-10.
std::optional<double> Irr(const std::vector<CashFlow>& flows);

// Years until the cumulative (undiscounted) cash first reaches zero, interpolated linearly inside the period
// that crosses; absent when it never does. 0 when the first flow is not negative.
std::optional<double> PaybackYears(const std::vector<CashFlow>& flows);

// The level yearly payment that repays 1 over `years` at `rate`: r / (1 - (1 + r)^-n); 1/n at r = 0.
double CapitalRecoveryFactor(double rate, double years);

// Present value of 1 per year for `years` years, paid at each year's end (the last, partial year pro rata).
double AnnuityFactor(double rate, double years);

}  // namespace fleetsim
