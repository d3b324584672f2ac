// NPV, IRR, payback and annuity factors against values worked by hand.
#include "fleetsim/cost/cash_flow.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

const std::vector<CashFlow> kThreeYears = {{0, -10000}, {1, 4380}, {2, 4380}, {3, 4380}};

TEST(CashFlow, NpvAtTenPercentIs892) {
  // 4,380 x (1/1.1 + 1/1.21 + 1/1.331) = 4,380 x 2.4868520 = 10,892.41; less 10,000.
  EXPECT_NEAR(Npv(kThreeYears, 0.10), 892.4117, 1e-3);
}

TEST(CashFlow, IrrIsFifteenPercent) {
  // 4,380 x annuity(r, 3) = 10,000 -> annuity = 2.283105 -> r = 15.0032% (by bisection in Python).
  EXPECT_NEAR(*Irr(kThreeYears), 0.1500317, 1e-6);
}

TEST(CashFlow, IrrIsNegativeForAHeavyLossAndAbsentWhenNothingComesBack) {
  // -10,000 then 5,000 and 4,000: 5,000/(1+r) + 4,000/(1+r)^2 = 10,000 -> 1+r = (5,000 + sqrt(1.85e8)) / 20,000 =
  // 0.9300735 -> r = -6.99265%.
  EXPECT_NEAR(*Irr({{0, -10000}, {1, 5000}, {2, 4000}}), -0.0699265, 1e-6);
  EXPECT_FALSE(Irr({{0, -10000}, {1, -10}, {2, -10}}).has_value());
}

TEST(CashFlow, PaybackIsInterpolatedInsideTheThirdYear) {
  // After two years 8,760 of 10,000 is back; the third year returns 4,380: 2 + 1,240 / 4,380 = 2.28311 years.
  EXPECT_NEAR(*PaybackYears(kThreeYears), 2.283105, 1e-6);
  EXPECT_FALSE(PaybackYears({{0, -10000}, {1, 100}}).has_value());
}

TEST(CashFlow, CapitalRecoveryFactorOfFiveYearsAtEightPercentIs02505) {
  // 0.08 / (1 - 1.08^-5) = 0.08 / 0.3194168 = 0.2504565; at 0%: 1/5.
  EXPECT_NEAR(CapitalRecoveryFactor(0.08, 5), 0.2504565, 1e-7);
  EXPECT_DOUBLE_EQ(CapitalRecoveryFactor(0.0, 5), 0.2);
  EXPECT_NEAR(AnnuityFactor(0.08, 5) * CapitalRecoveryFactor(0.08, 5), 1.0, 1e-12);
}

}  // namespace
}  // namespace fleetsim
