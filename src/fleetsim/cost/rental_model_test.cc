// The rental economics of one accelerator on a stated case, every figure worked by hand in the comment.
#include "fleetsim/cost/rental_model.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

// $10,000 capex, 3 years, 10% discount rate, no running costs; rented at $1/h half the hours:
// revenue 8,760 x 0.5 x $1 = $4,380 a year.
OwnershipInputs StatedCase() {
  OwnershipInputs o;
  o.capex = Usd(10000);
  o.life_years = 3;
  o.discount_rate = 0.10;
  return o;
}

RentalSpec OneDollarHalfTheTime() { return {1.0 / 3600.0, 0.5, 0.0, 0.07}; }

TEST(Rental, StatedCaseNpv892Irr15PercentPayback228Years) {
  const RentalResult r = EvaluateRental(StatedCase(), OneDollarHalfTheTime());
  EXPECT_DOUBLE_EQ(r.revenue_per_year_usd, 4380.0);
  ASSERT_EQ(r.flows.size(), 4u);
  EXPECT_DOUBLE_EQ(r.flows[0].usd, -10000.0);
  EXPECT_DOUBLE_EQ(r.flows[3].usd, 4380.0);
  EXPECT_NEAR(r.npv_usd, 892.4117, 1e-3);         // 4,380 x 2.4868520 - 10,000
  EXPECT_NEAR(*r.irr, 0.1500317, 1e-6);           // annuity(r, 3) = 2.283105
  EXPECT_NEAR(*r.payback_years, 2.283105, 1e-6);  // 2 + 1,240 / 4,380
  EXPECT_NEAR(*r.roe, *r.irr, 1e-9);              // no debt: the owner's return is the project's
}

TEST(Rental, StatedCaseBreaksEvenAt076AndClearsTheHurdleAt092) {
  // Cash: 3 x 8,760 x 0.5 x P = 10,000 -> P = $0.761035/h. Hurdle: 4,380 P x 2.4868520 = 10,000 ->
  // P = $0.918070/h.
  const RentalResult r = EvaluateRental(StatedCase(), OneDollarHalfTheTime());
  EXPECT_NEAR(*r.breakeven_usd_per_hour, 0.761035, 1e-6);
  EXPECT_NEAR(*r.hurdle_usd_per_hour, 0.918070, 1e-6);
}

TEST(Rental, HalfDebtAtSevenPercentLiftsReturnOnEquityTo227Percent) {
  // Debt 5,000 repaid at 5,000 x 0.07 / (1 - 1.07^-3) = 1,905.26 a year; equity puts in 5,000 and gets
  // 4,380 - 1,905.26 = 2,474.74 a year: IRR 22.704% (by bisection in Python).
  RentalSpec rental = OneDollarHalfTheTime();
  rental.debt_share = 0.5;
  const RentalResult r = EvaluateRental(StatedCase(), rental);
  EXPECT_NEAR(r.debt_payment_per_year_usd, 1905.2583, 1e-3);
  EXPECT_DOUBLE_EQ(r.equity_flows[0].usd, -5000.0);
  EXPECT_NEAR(*r.roe, 0.2270445, 1e-6);
}

TEST(Rental, ElectricityAndFixedOpexComeOffEveryYear) {
  // 1 kW facility power while rented, 0.2 kW idle, utilization 0.5: mean 0.6 kW x 8,760 h = 5,256 kWh at
  // $0.10 = $525.60; fixed opex $500: each year nets 4,380 - 1,025.60 = 3,354.40.
  OwnershipInputs o = StatedCase();
  o.facility_power_busy = Watts(1000);
  o.facility_power_idle = Watts(200);
  o.electricity_usd_per_j = 0.10 / 3.6e6;
  o.fixed_opex_per_year = Usd(500);
  const RentalResult r = EvaluateRental(o, OneDollarHalfTheTime());
  EXPECT_NEAR(r.electricity_per_year_usd, 525.6, 1e-9);
  EXPECT_NEAR(r.flows[1].usd, 3354.4, 1e-9);
}

TEST(Rental, ResaleValueArrivesWithTheLastYear) {
  OwnershipInputs o = StatedCase();
  o.residual_fraction = 0.2;
  EXPECT_NEAR(EvaluateRental(o, OneDollarHalfTheTime()).flows[3].usd, 4380.0 + 2000.0, 1e-9);
}

TEST(Rental, SweepIsMonotoneInPrice) {
  const std::vector<RentalResult> curve = SweepRentalPrice(StatedCase(), OneDollarHalfTheTime(), {0.5, 1.0, 2.0});
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_LT(curve[0].npv_usd, curve[1].npv_usd);
  EXPECT_LT(curve[1].npv_usd, curve[2].npv_usd);
  EXPECT_LT(curve[0].npv_usd, 0.0);  // $0.50 is below the $0.76 break-even
}

TEST(Rental, NoUtilizationHasNoBreakEvenPrice) {
  RentalSpec rental = OneDollarHalfTheTime();
  rental.utilization = 0;
  const RentalResult r = EvaluateRental(StatedCase(), rental);
  EXPECT_FALSE(r.breakeven_usd_per_hour);
  EXPECT_FALSE(r.irr);
  EXPECT_FALSE(r.payback_years);
}

}  // namespace
}  // namespace fleetsim
