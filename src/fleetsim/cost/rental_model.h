// RentalModel: the economics of buying one accelerator and renting it out at a price per hour. Yearly cash flows
// (capex at t = 0; then revenue at price x hours x utilization, less electricity — at TDP while rented, idle
// otherwise — and the fixed opex: facility charge, maintenance, staff; the resale value at end of life), their
// NPV at the discount rate, IRR, payback period, the return on equity when a share of the capex is borrowed and
// repaid in level instalments, and two break-even prices: the price that recovers the cash (IRR = 0), and the
// hurdle price that also pays the cost of capital (NPV = 0). Taxes are not modelled. Pure functions.
#pragma once

#include <optional>
#include <vector>

#include "fleetsim/cost/cash_flow.h"
#include "fleetsim/cost/cost_model.h"
#include "fleetsim/cost/economics_spec.h"

namespace fleetsim {

struct RentalResult {
  double price_usd_per_hour = 0.0;
  double utilization = 0.0;
  std::vector<CashFlow> flows;         // the project's, per accelerator (year 0 = -capex)
  std::vector<CashFlow> equity_flows;  // after debt service, the owner's share of capex at year 0
  double revenue_per_year_usd = 0.0;
  double electricity_per_year_usd = 0.0;
  double fixed_opex_per_year_usd = 0.0;
  double debt_payment_per_year_usd = 0.0;
  double npv_usd = 0.0;                          // at the discount rate
  std::optional<double> irr;                     // of the project
  std::optional<double> payback_years;           // undiscounted
  std::optional<double> roe;                     // IRR of the equity flows
  std::optional<double> breakeven_usd_per_hour;  // IRR = 0: rent recovers capex and opex, nothing more
  std::optional<double> hurdle_usd_per_hour;     // NPV = 0 at the discount rate
};

// Evaluates renting at `rental.price` (or at `price_usd_per_hour` when given).
RentalResult EvaluateRental(const OwnershipInputs& owned, const RentalSpec& rental,
                            std::optional<double> price_usd_per_hour = std::nullopt);

// The curve over prices: one result per price, in the order given.
std::vector<RentalResult> SweepRentalPrice(const OwnershipInputs& owned, const RentalSpec& rental,
                                           const std::vector<double>& prices_usd_per_hour);

}  // namespace fleetsim
