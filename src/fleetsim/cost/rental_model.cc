#include "fleetsim/cost/rental_model.h"

#include <cmath>

namespace fleetsim {
namespace {

constexpr double kHoursPerYear = 365.0 * 24.0;

// The price at which the NPV at `rate` is zero: NPV is linear in the price, NPV(P) = NPV(0) + P x slope.
std::optional<double> BreakEven(const std::vector<CashFlow>& at_zero_price,
                                const std::vector<CashFlow>& per_dollar, double rate) {
  const double slope = Npv(per_dollar, rate);
  if (slope <= 0.0) return std::nullopt;
  return std::max(0.0, -Npv(at_zero_price, rate) / slope);
}

}  // namespace

RentalResult EvaluateRental(const OwnershipInputs& o, const RentalSpec& rental,
                            std::optional<double> price_usd_per_hour) {
  RentalResult r;
  r.price_usd_per_hour = price_usd_per_hour.value_or(rental.UsdPerHour());
  r.utilization = rental.utilization;
  const double u = rental.utilization;
  const double capex = o.capex.value();
  const double debt = capex * rental.debt_share;
  r.revenue_per_year_usd = r.price_usd_per_hour * kHoursPerYear * u;
  const double mean_power = u * o.facility_power_busy.value() + (1.0 - u) * o.facility_power_idle.value();
  r.electricity_per_year_usd = mean_power * kHoursPerYear * 3600.0 * o.electricity_usd_per_j;
  r.fixed_opex_per_year_usd = o.fixed_opex_per_year.value();
  r.debt_payment_per_year_usd = debt * CapitalRecoveryFactor(rental.interest_rate, o.life_years);

  // Periods of one year; a fractional life ends with a partial period, pro rata.
  std::vector<CashFlow> at_zero{{0.0, -capex}};
  std::vector<CashFlow> per_dollar{{0.0, 0.0}};
  r.flows = {{0.0, -capex}};
  r.equity_flows = {{0.0, -(capex - debt)}};
  const int periods = static_cast<int>(std::ceil(o.life_years - 1e-9));
  for (int i = 1; i <= periods; ++i) {
    const double length = std::min(1.0, o.life_years - (i - 1));
    const double t = (i - 1) + length;
    double cost = (r.electricity_per_year_usd + r.fixed_opex_per_year_usd) * length;
    if (i == periods) cost -= capex * o.residual_fraction;
    const double operating = r.revenue_per_year_usd * length - cost;
    r.flows.push_back({t, operating});
    r.equity_flows.push_back({t, operating - r.debt_payment_per_year_usd * length});
    at_zero.push_back({t, -cost});
    per_dollar.push_back({t, kHoursPerYear * u * length});
  }
  r.npv_usd = Npv(r.flows, o.discount_rate);
  r.irr = Irr(r.flows);
  r.payback_years = PaybackYears(r.flows);
  if (capex - debt > 0) r.roe = Irr(r.equity_flows);
  r.breakeven_usd_per_hour = BreakEven(at_zero, per_dollar, 0.0);
  r.hurdle_usd_per_hour = BreakEven(at_zero, per_dollar, o.discount_rate);
  return r;
}

std::vector<RentalResult> SweepRentalPrice(const OwnershipInputs& owned, const RentalSpec& rental,
                                           const std::vector<double>& prices_usd_per_hour) {
  std::vector<RentalResult> out;
  out.reserve(prices_usd_per_hour.size());
  for (double p : prices_usd_per_hour) out.push_back(EvaluateRental(owned, rental, p));
  return out;
}

}  // namespace fleetsim
