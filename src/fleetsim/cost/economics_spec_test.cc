// The `economics:` section: defaults, units, range checks and the rules between keys.
#include "fleetsim/cost/economics_spec.h"

#include <gtest/gtest.h>

#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

EconomicsSpec ParseText(const std::string& text, ClusterSpec cluster = {}) {
  YamlMap root = YamlMap::Parse(text, "econ.yaml");
  YamlMap m = root.Map("economics");
  return ParseEconomicsSpec(m, cluster);
}

TEST(EconomicsSpec, DesignExampleParses) {
  const EconomicsSpec e = ParseText(
      "economics:\n  capex_per_accelerator: \"$50000\"\n  life: \"5y\"\n  discount_rate: 0.08\n"
      "  rental: {price: \"$1.99/h\", utilization: 0.8, debt_share: 0.5, interest_rate: 0.07}\n");
  EXPECT_DOUBLE_EQ(e.capex_per_accelerator->value(), 50000.0);
  EXPECT_DOUBLE_EQ(e.LifeYears(), 5.0);
  EXPECT_NEAR(e.rental.UsdPerHour(), 1.99, 1e-12);
  EXPECT_DOUBLE_EQ(e.rental.debt_share, 0.5);
}

TEST(EconomicsSpec, DefaultsComeFromTheDataFile) {
  // data/datacenter.yaml: 5 years, 8%, $11.7M/MW, $1.99/h at 80%.
  const EconomicsSpec e = EconomicsSpec::Default();
  EXPECT_DOUBLE_EQ(e.LifeYears(), 5.0);
  EXPECT_DOUBLE_EQ(e.discount_rate, 0.08);
  EXPECT_NEAR(e.facility_capex_usd_per_w, 11.7, 1e-12);
  EXPECT_NEAR(e.rental.UsdPerHour(), 1.99, 1e-12);
  EXPECT_DOUBLE_EQ(e.rental.utilization, 0.8);
}

TEST(EconomicsSpec, RejectsLifeOfZeroUtilizationAboveOneAndNegativePrice) {
  EXPECT_THROW(ParseText("economics: {life: 0y}"), InputError);
  EXPECT_THROW(ParseText("economics: {rental: {utilization: 1.2}}"), InputError);
  EXPECT_THROW(ParseText("economics: {rental: {price: -2}}"), InputError);
  EXPECT_THROW(ParseText("economics: {capex_per_accelerator: -5}"), InputError);
  EXPECT_THROW(ParseText("economics: {life: 5kg}"), InputError);
  EXPECT_THROW(ParseText("economics: {lifetime: 5y}"), InputError);
}

TEST(EconomicsSpec, AllInCapexExcludesChipPricing) {
  EXPECT_THROW(ParseText("economics: {capex_per_accelerator: 50000, chip_price: build}"), InputError);
}

TEST(EconomicsSpec, BuildPricingNeedsABuildCost) {
  ClusterSpec c;
  c.accelerator.id = "x";
  EXPECT_THROW(ParseText("economics: {chip_price: build}", c), InputError);
  const EconomicsSpec e = ParseText("economics: {chip_price: build, build_cost: $3.3k, vendor_margin: 0.5}", c);
  EXPECT_EQ(e.chip_pricing, ChipPricing::kBuild);
  EXPECT_DOUBLE_EQ(e.build_cost->value(), 3300.0);
  EXPECT_THROW(ParseText("economics: {build_cost: $3.3k}", c), InputError);
  EXPECT_THROW(ParseText("economics: {chip_price: cheap}", c), InputError);
}

}  // namespace
}  // namespace fleetsim
