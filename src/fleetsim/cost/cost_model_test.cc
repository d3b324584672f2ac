// Capex, cost per accelerator-hour and cost of a run, against hand computations. The cluster is spelt out (the
// catalog's H100 figures at the time of writing) so the arithmetic stays true when the catalog is revised.
#include "fleetsim/cost/cost_model.h"

#include <gtest/gtest.h>

namespace fleetsim {
namespace {

ClusterSpec H100Cluster(int64_t count) {
  ClusterSpec c;
  c.accelerator.id = "h100";
  c.accelerator.tdp = Watts(700);
  c.accelerator.idle_power = Watts(90);
  c.accelerator.list_price = Usd(28000);
  c.count = count;
  c.node.id = "hgx-h100";
  c.node.size = 8;
  c.node.host.accelerators_per_host = 8;
  c.node.host.host_power = Watts(3000);
  c.node.host.price = Usd(310000);
  c.fabric.kind = FabricKind::kClos;
  c.fabric.nics_per_accelerator = 1;
  c.fabric.tiers = 3;
  c.fabric.radix = 64;
  c.fabric.oversubscription = {1, 1, 1};
  c.fabric.switch_power = Watts(750);
  c.fabric.optics_power = Watts(8);
  c.fabric.switch_price = Usd(36000);
  return c;
}

DatacenterSpec Datacenter() {
  DatacenterSpec d;
  d.pue = 1.3;
  d.electricity_usd_per_j = 0.10 / 3.6e6;  // $0.10/kWh
  d.host_idle_fraction = 0.6;
  d.stall_activity = 0.3;
  d.other_it_fraction = 0.05;
  return d;
}

// $50,000 all-in, 5 years, no cost of capital, no facility, maintenance or staff charge.
EconomicsSpec PlainEconomics() {
  EconomicsSpec e;
  e.capex_per_accelerator = Usd(50000);
  e.life = Days(5 * 365);
  e.facility_life = Days(15 * 365);
  e.optics_price = Usd(700);
  e.installation_fraction = 0.05;
  return e;
}

TEST(CostModel, GpuHourOf50kCapexOver5YearsAt10CentsIs129) {
  // Capital 50,000 / 5 / 8,760 = $1.1415525/h. Electricity: the 8-GPU node draws 12,041.68875 W at PUE 1.3
  // (power_model_test), 1,505.2110938 W per GPU -> 1.5052111 kWh x $0.10 = $0.1505211/h. Total $1.2920736/h.
  const PowerModel power(H100Cluster(8), Datacenter());
  const CostModel m(power, PlainEconomics());
  ASSERT_EQ(m.basis(), CostBasis::kOwned);
  const CostBreakdown h = *m.PerAcceleratorHour(1.0, 0.0);
  EXPECT_NEAR(h.capital.value(), 1.1415525, 1e-7);
  EXPECT_NEAR(h.electricity.value(), 0.1505211, 1e-7);
  EXPECT_NEAR(h.Total().value(), 1.2920736, 1e-7);
}

TEST(CostModel, EightPercentCostOfCapitalRaisesTheCapitalChargeTo143) {
  // 50,000 x 0.08 / (1 - 1.08^-5) / 8,760 = 50,000 x 0.2504565 / 8,760 = $1.4295460/h.
  EconomicsSpec e = PlainEconomics();
  e.discount_rate = 0.08;
  const CostModel m(PowerModel(H100Cluster(8), Datacenter()), e);
  EXPECT_NEAR(m.PerAcceleratorHour(1.0, 0.0)->capital.value(), 1.4295460, 1e-7);
}

TEST(CostModel, FacilityAt117MillionPerMegawattOver15YearsAddsTenCentsAnHour) {
  // IT peak per GPU 9,262.8375 / 8 = 1,157.8546875 W x $11.7/W = $13,546.90; / 15 y / 8,760 h = $0.1030967/h.
  EconomicsSpec e = PlainEconomics();
  e.facility_capex_usd_per_w = 11.7;
  const CostModel m(PowerModel(H100Cluster(8), Datacenter()), e);
  EXPECT_NEAR(m.FacilityCapexPerAccelerator().value(), 13546.8998, 1e-4);
  EXPECT_NEAR(m.PerAcceleratorHour(1.0, 0.0)->facility.value(), 0.1030967, 1e-7);
}

TEST(CostModel, MaintenanceAndStaffAreFractionsOfCapexPerYear) {
  // 2% + 1% of $50,000 = $1,500 a year = $0.1712329/h.
  EconomicsSpec e = PlainEconomics();
  e.maintenance_fraction = 0.02;
  e.staff_fraction = 0.01;
  const CostBreakdown h = *CostModel(PowerModel(H100Cluster(8), Datacenter()), e).PerAcceleratorHour(1, 0);
  EXPECT_NEAR((h.maintenance + h.staff).value(), 0.1712329, 1e-7);
}

TEST(CostModel, DerivedH100CapexIs48051AllInInA16kCluster) {
  // Chip $28,000 list; server $310,000 / 8 - 28,000 = $10,750; network 1,280 switches x $36,000 +
  // 98,304 transceivers x $700 over 16,384 GPUs = 2,812.5 + 4,200 = $7,012.5; 5% installation on $45,762.5 =
  // $2,288.125. Total $48,050.625 (economics.md: $45,800-51,600 all-in per H100).
  EconomicsSpec e = PlainEconomics();
  e.capex_per_accelerator.reset();
  const CostModel m(PowerModel(H100Cluster(16384), Datacenter()), e);
  const CapexBreakdown c = *m.capex();
  EXPECT_DOUBLE_EQ(c.chip.value(), 28000.0);
  EXPECT_DOUBLE_EQ(c.server.value(), 10750.0);
  EXPECT_DOUBLE_EQ(c.network.value(), 7012.5);
  EXPECT_DOUBLE_EQ(c.Total().value(), 48050.625);
}

TEST(CostModel, ChipAtBuildCostCutsTheCapexTo22116) {
  // Build cost $3,300 at 0% margin replaces the $28,000 list price: (3,300 + 10,750 + 7,012.5) x 1.05 =
  // $22,115.625. At an 88.2% gross margin the chip costs 3,300 / 0.118 = $27,966 again.
  EconomicsSpec e = PlainEconomics();
  e.capex_per_accelerator.reset();
  e.chip_pricing = ChipPricing::kBuild;
  e.build_cost = Usd(3300);
  EXPECT_DOUBLE_EQ(CostModel(PowerModel(H100Cluster(16384), Datacenter()), e).capex()->Total().value(), 22115.625);
  e.vendor_margin = 0.882;
  EXPECT_NEAR(CostModel(PowerModel(H100Cluster(16384), Datacenter()), e).capex()->chip.value(), 27966.1, 0.1);
}

TEST(CostModel, ServerWithoutAPriceCosts38PercentOfTheChips) {
  ClusterSpec c = H100Cluster(8);
  c.node.host.price.reset();
  EconomicsSpec e = PlainEconomics();
  e.capex_per_accelerator.reset();
  e.host_capex_fraction = 0.38;
  EXPECT_DOUBLE_EQ(CostModel(PowerModel(c, Datacenter()), e).capex()->server.value(), 0.38 * 28000);
}

TEST(CostModel, ChipWithoutPurchasePriceUsesItsCloudPrice) {
  // data/datacenter.yaml: TPU v5p $4.20 per chip-hour on demand (Google Cloud pricing).
  ClusterSpec c = H100Cluster(8);
  c.accelerator.id = "tpu-v5p";
  c.accelerator.list_price.reset();
  c.node.host.price.reset();
  EconomicsSpec e = PlainEconomics();
  e.capex_per_accelerator.reset();
  const CostModel m(PowerModel(c, Datacenter()), e);
  EXPECT_EQ(m.basis(), CostBasis::kCloud);
  EXPECT_NEAR(m.PerAcceleratorHour(1, 0)->Total().value(), 4.20, 1e-12);
  EXPECT_FALSE(m.Ownership());
  c.accelerator.id = "no-such-chip";
  EXPECT_EQ(CostModel(PowerModel(c, Datacenter()), e).basis(), CostBasis::kUnknown);
}

TEST(CostModel, DayOfAnEightGpuNodeAtFullLoadCosts248) {
  // 8 GPUs x 24 h x $1.2920736/h = $248.0781.
  const CostModel m(PowerModel(H100Cluster(8), Datacenter()), PlainEconomics());
  const CostBreakdown run = *m.Run({Hours(24), Seconds(0), Seconds(0)});
  EXPECT_NEAR(run.Total().value(), 248.0781, 1e-4);
}

}  // namespace
}  // namespace fleetsim
