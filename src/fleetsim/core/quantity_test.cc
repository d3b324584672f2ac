#include "fleetsim/core/quantity.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

double Parse(const char* text, Dimension dim) {
  const QuantityResult r = ParseQuantity(text, dim);
  EXPECT_TRUE(r.value.has_value()) << r.error;
  return r.value.value_or(-1.0);
}

TEST(Quantity, DecimalPrefixesAreSi) {
  EXPECT_DOUBLE_EQ(Parse("80GB", Dimension::kBytes), 80e9);
  EXPECT_DOUBLE_EQ(Parse("3.35TB/s", Dimension::kBandwidth), 3.35e12);
  EXPECT_DOUBLE_EQ(Parse("989TFLOPS", Dimension::kFlopRate), 989e12);
  EXPECT_DOUBLE_EQ(Parse("700W", Dimension::kPower), 700.0);
}

TEST(Quantity, BinaryOnlyWhenSpelledSo) { EXPECT_DOUBLE_EQ(Parse("1GiB", Dimension::kBytes), 1073741824.0); }

TEST(Quantity, BitsPerSecondBecomeBytesPerSecond) {
  EXPECT_DOUBLE_EQ(Parse("400Gbps", Dimension::kBandwidth), 50e9);
}

TEST(Quantity, Times) {
  EXPECT_DOUBLE_EQ(Parse("1.5us", Dimension::kTime), 1.5e-6);
  EXPECT_DOUBLE_EQ(Parse("54d", Dimension::kTime), 54 * 86400.0);
  EXPECT_DOUBLE_EQ(Parse("5y", Dimension::kTime), 5 * 365 * 86400.0);
  EXPECT_DOUBLE_EQ(Parse("2 ms", Dimension::kTime), 2e-3);
}

TEST(Quantity, Money) {
  EXPECT_DOUBLE_EQ(Parse("$50000", Dimension::kMoney), 50000.0);
  EXPECT_DOUBLE_EQ(Parse("$3.3k", Dimension::kMoney), 3300.0);
  EXPECT_DOUBLE_EQ(Parse("$1.99/h", Dimension::kMoneyPerTime), 1.99 / 3600.0);
  EXPECT_DOUBLE_EQ(Parse("$0.08/kWh", Dimension::kMoneyPerEnergy), 0.08 / 3.6e6);
  EXPECT_DOUBLE_EQ(Parse("$10M/MW", Dimension::kMoneyPerPower), 10.0);
}

TEST(Quantity, WrongKindIsAnErrorListingTheAllowedUnits) {
  const QuantityResult r = ParseQuantity("80GB", Dimension::kBandwidth);
  EXPECT_FALSE(r.value.has_value());
  EXPECT_NE(r.error.find("not a bandwidth"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("Gbps"), std::string::npos) << r.error;
}

TEST(Quantity, MissingNumberOrUnitIsAnError) {
  EXPECT_FALSE(ParseQuantity("GB", Dimension::kBytes).value.has_value());
  EXPECT_FALSE(ParseQuantity("12", Dimension::kBytes).value.has_value());
  EXPECT_FALSE(ParseQuantity("12 parsecs", Dimension::kTime).value.has_value());
  EXPECT_FALSE(ParseQuantity("1.99/h", Dimension::kMoneyPerTime).value.has_value());
  EXPECT_FALSE(ParseQuantity("$1.99", Dimension::kMoneyPerTime).value.has_value());
}

}  // namespace
}  // namespace fleetsim
