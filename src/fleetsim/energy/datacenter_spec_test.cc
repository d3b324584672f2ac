// The `datacenter:` section: defaults with sources, PUE from cooling and climate, prices by region, range checks.
#include "fleetsim/energy/datacenter_spec.h"

#include <gtest/gtest.h>

#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/energy/datacenter_defaults.h"

namespace fleetsim {
namespace {

DatacenterSpec ParseText(const std::string& text) {
  YamlMap root = YamlMap::Parse(text, "dc.yaml");
  YamlMap m = root.Map("datacenter");
  return ParseDatacenterSpec(m, ClusterSpec{});
}

TEST(DatacenterDefaults, EveryDefaultHasASource) {
  const DatacenterDefaults& d = DatacenterDefaults::BuiltIn();
  for (const char* key :
       {"pue.air", "pue.liquid", "pue.immersion", "electricity.regions", "power.host_idle_fraction",
        "power.stall_activity", "power.other_it_fraction", "cost.life", "cost.discount_rate",
        "cost.facility_capex_per_mw", "cost.maintenance_fraction", "cost.staff_fraction", "cost.rental.price",
        "cloud_prices"}) {
    EXPECT_FALSE(d.Source(key).empty()) << key;
  }
}

TEST(DatacenterSpec, DefaultIsAirCooledTemperateAtPue130AndUsIndustrialPower) {
  // data/datacenter.yaml: air/temperate 1.30; EIA 2023 US industrial 8.06 cents/kWh.
  const DatacenterSpec d = DatacenterSpec::Default();
  EXPECT_DOUBLE_EQ(d.pue, 1.30);
  EXPECT_NEAR(d.UsdPerKwh(), 0.0806, 1e-12);
  EXPECT_FALSE(d.power_cap);
}

TEST(DatacenterSpec, LiquidCoolingInAColdClimateGivesPue108) {
  const DatacenterSpec d = ParseText("datacenter: {cooling: liquid, climate: cold}");
  EXPECT_DOUBLE_EQ(d.pue, 1.08);
  EXPECT_EQ(d.pue_basis, "liquid cooling, cold climate");
}

TEST(DatacenterSpec, RegionNameSetsThePrice) {
  EXPECT_NEAR(ParseText("datacenter: {electricity: texas}").UsdPerKwh(), 0.066, 1e-12);
  EXPECT_NEAR(ParseText("datacenter: {electricity: \"$0.12/kWh\"}").UsdPerKwh(), 0.12, 1e-12);
}

TEST(DatacenterSpec, PowerCapInMegawatts) {
  EXPECT_DOUBLE_EQ(ParseText("datacenter: {power_cap: 150MW}").power_cap->value(), 150e6);
}

TEST(DatacenterSpec, RejectsPueBelowOneWithTheLine) {
  try {
    ParseText("datacenter:\n  pue: 0.9\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.message().find("datacenter.pue"), std::string::npos);
  }
}

TEST(DatacenterSpec, RejectsPueTogetherWithCooling) {
  EXPECT_THROW(ParseText("datacenter: {pue: 1.2, cooling: air}"), InputError);
}

TEST(DatacenterSpec, RejectsNegativePriceUnknownRegionAndUnknownKey) {
  EXPECT_THROW(ParseText("datacenter: {electricity: -0.08}"), InputError);
  EXPECT_THROW(ParseText("datacenter: {electricity: texsa}"), InputError);
  EXPECT_THROW(ParseText("datacenter: {cooling: water}"), InputError);
  EXPECT_THROW(ParseText("datacenter: {pue: 1.2, power_capp: 1MW}"), InputError);
}

}  // namespace
}  // namespace fleetsim
