// Hand-checked power and energy figures. The cluster is spelt out in the test (the catalog's H100 figures at the
// time of writing: 700 W TDP, 90 W idle, 3,000 W host per 8 GPUs, NDR switch 750 W / 64 ports, 8 W per
// transceiver) so the arithmetic in each comment stays true when the catalog is revised.
#include "fleetsim/energy/power_model.h"

#include <gtest/gtest.h>

#include "fleetsim/catalog/catalog.h"

namespace fleetsim {
namespace {

ClusterSpec H100Cluster(int64_t count) {
  ClusterSpec c;
  c.accelerator.id = "h100";
  c.accelerator.tdp = Watts(700);
  c.accelerator.idle_power = Watts(90);
  c.count = count;
  c.node.id = "hgx-h100";
  c.node.size = 8;
  c.node.host.accelerators_per_host = 8;
  c.node.host.host_power = Watts(3000);
  c.fabric.kind = FabricKind::kClos;
  c.fabric.nics_per_accelerator = 1;
  c.fabric.tiers = 3;
  c.fabric.radix = 64;
  c.fabric.oversubscription = {1, 1, 1};
  c.fabric.switch_power = Watts(750);
  c.fabric.optics_power = Watts(8);
  return c;
}

DatacenterSpec Pue13() {
  DatacenterSpec d;
  d.pue = 1.3;
  d.host_idle_fraction = 0.6;
  d.stall_activity = 0.3;
  d.other_it_fraction = 0.05;
  d.switch_power_per_port = Watts(12.5);
  d.optics_power = Watts(10);
  return d;
}

TEST(PowerModel, EightH100NodeAtFullLoadDraws9263WattsItAnd12042WattsAtPue13) {
  // accelerators 8 x 700 = 5,600 W; host 3,000 W; network: 8 ports fit one tier of a radix-64 switch, so
  // 8/64 switch x 750 W = 93.75 W plus 8 links x 2 transceivers x 8 W = 128 W; other 5% of 8,821.75 =
  // 441.0875 W. IT = 9,262.8375 W; facility x 1.3 = 12,041.68875 W (DGX H100 maximum is 10.2 kW of IT).
  const PowerModel m(H100Cluster(8), Pue13());
  const ItPower p = m.ItPeak();
  EXPECT_DOUBLE_EQ(p.accelerators.value(), 5600.0);
  EXPECT_DOUBLE_EQ(p.hosts.value(), 3000.0);
  EXPECT_DOUBLE_EQ(p.network.value(), 221.75);
  EXPECT_DOUBLE_EQ(p.other.value(), 441.0875);
  EXPECT_DOUBLE_EQ(p.Total().value(), 9262.8375);
  EXPECT_NEAR(m.Facility(p.Total()).value(), 12041.68875, 1e-9);
}

TEST(PowerModel, EightH100NodeIdleDraws2879Watts) {
  // 8 x 90 = 720 W; host 0.6 x 3,000 = 1,800 W; network 221.75 W; other 5% of 2,741.75 = 137.0875 W.
  const PowerModel m(H100Cluster(8), Pue13());
  EXPECT_DOUBLE_EQ(m.It(0, 0).Total().value(), 2878.8375);
}

TEST(PowerModel, EnergyOfOneHourAtThreeQuartersBusyIs8366WhItAnd39MJFacility) {
  // 2,700 s computing (GPU 700 W) and 900 s waiting (GPU 90 + 0.3 x 610 = 273 W): GPUs average
  // 8 x (0.75 x 700 + 0.25 x 273) = 4,746 W; host at load 3,000 W; network 221.75 W; other 5% = 398.3875 W.
  // IT 8,366.1375 W x 3,600 s = 30,118,095 J; facility x 1.3 = 39,153,523.5 J. TDP x time would say 20.16 MJ
  // for the GPUs alone where this model says 17.0856 MJ.
  const PowerModel m(H100Cluster(8), Pue13());
  const EnergyBreakdown e = m.Energy({Seconds(2700), Seconds(900), Seconds(0)});
  EXPECT_NEAR(e.accelerators.value(), 17085600.0, 1e-6);
  EXPECT_NEAR(e.It().value(), 30118095.0, 1e-6);
  EXPECT_NEAR(e.facility.value(), 39153523.5, 1e-6);
}

TEST(PowerModel, IdleTimeAddsIdlePowerOnly) {
  // One extra hour idle adds 2,878.8375 W x 3,600 s = 10,363,815 J of IT energy.
  const PowerModel m(H100Cluster(8), Pue13());
  const double busy_only = m.Energy({Seconds(3600), Seconds(0), Seconds(0)}).It().value();
  const double with_idle = m.Energy({Seconds(3600), Seconds(0), Seconds(3600)}).It().value();
  EXPECT_NEAR(with_idle - busy_only, 10363815.0, 1e-6);
}

TEST(NetworkInventory, SixteenThousandGpusOnRadix64NeedThreeTiers1280SwitchesAnd98304Transceivers) {
  // Two tiers of radix 64 hold 64 x 32 = 2,048 ports; 16,384 need three. Full bisection: leaf, spine and core
  // ports = 5 x 16,384 -> 5 x 16,384 / 64 = 1,280 switches; 3 x 16,384 links x 2 = 98,304 transceivers.
  const NetworkInventory n = InventoryNetwork(H100Cluster(16384), Pue13());
  EXPECT_EQ(n.tiers, 3);
  EXPECT_DOUBLE_EQ(n.switches, 1280.0);
  EXPECT_DOUBLE_EQ(n.transceivers, 98304.0);
}

TEST(NetworkInventory, OversubscribedTopTierHasFewerUplinks) {
  // Llama 3 style [1, 1, 7]: links into tier 3 are 24,576 / 7; ports = E + 2E + 2E/7.
  ClusterSpec c = H100Cluster(24576);
  c.fabric.oversubscription = {1, 1, 7};
  const NetworkInventory n = InventoryNetwork(c, Pue13());
  EXPECT_NEAR(n.switches, 24576.0 * (3.0 + 2.0 / 7.0) / 64.0, 1e-9);
  EXPECT_NEAR(n.transceivers, 2.0 * 24576.0 * (2.0 + 1.0 / 7.0), 1e-9);
}

TEST(NetworkInventory, FabricWithoutSwitchPowerUsesThePerPortDefault) {
  ClusterSpec c = H100Cluster(8);
  c.fabric.switch_power = Watts(0);
  EXPECT_DOUBLE_EQ(InventoryNetwork(c, Pue13()).switch_power.value(), 12.5 * 64);
}

TEST(NetworkInventory, TorusPodSharesTheOpticalCircuitSwitches) {
  // TPU v4: 48 OCS x 136 ports for a 4,096-chip pod; the whole pod uses all 6,528 ports at 0.8 W = 5,222.4 W.
  ClusterSpec c = H100Cluster(4096);
  c.fabric.kind = FabricKind::kTorus;
  c.fabric.max_slice = 4096;
  c.fabric.ocs = OcsSpec{136, 48, Seconds(1.2e-3), Watts(0.8)};
  c.fabric.optics_power = Watts(0);
  DatacenterSpec d = Pue13();
  d.optics_power = Watts(0);
  const PowerModel m(c, d);
  EXPECT_DOUBLE_EQ(m.network().ocs_ports, 6528.0);
  EXPECT_NEAR(m.ItPeak().network.value(), 5222.4, 1e-9);
}

TEST(SiteLimits, OneMegawattHolds83EightGpuNodes) {
  // 12,041.69 W facility per node: floor(1e6 / 12,041.69) = 83 nodes = 664 accelerators.
  DatacenterSpec d = Pue13();
  d.power_cap = Watts(1e6);
  const SiteLimits s = EvaluateSiteLimits(PowerModel(H100Cluster(8), d));
  EXPECT_EQ(s.max_accelerators_per_site, 664);
  EXPECT_EQ(s.sites_needed, 1);
  EXPECT_TRUE(s.fits);
}

TEST(SiteLimits, JobAboveTheCapNeedsMoreSites) {
  // 16,384 GPUs at about 1.5 kW each through PUE 1.3 need about 24.6 MW: three sites of 10 MW.
  DatacenterSpec d = Pue13();
  d.power_cap = Watts(10e6);
  const SiteLimits s = EvaluateSiteLimits(PowerModel(H100Cluster(16384), d));
  EXPECT_GT(s.facility_peak.value(), 20e6);
  EXPECT_LT(s.facility_peak.value(), 30e6);
  EXPECT_EQ(s.sites_needed, 3);
  EXPECT_FALSE(s.fits);
}

TEST(PowerModel, CatalogH100NodeLandsNearTheDgxH100Maximum) {
  // With the catalog's own figures and default shares, an 8x H100 node at load is 8-11 kW of IT power
  // (economics.md: about 10.2 kW maximum for a DGX H100).
  const Catalog& cat = Catalog::BuiltIn();
  ClusterSpec c;
  c.accelerator = *cat.FindAccelerator("h100");
  c.node = *cat.FindNode("hgx-h100");
  c.fabric = *cat.FindFabric(c.node.default_fabric);
  c.count = 8;
  const double it = PowerModel(c, DatacenterSpec::Default()).ItPeak().Total().value();
  EXPECT_GT(it, 8000.0);
  EXPECT_LT(it, 11000.0);
}

}  // namespace
}  // namespace fleetsim
