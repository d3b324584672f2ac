#include "fleetsim/energy/power_model.h"

#include <algorithm>
#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {

NetworkInventory InventoryNetwork(const ClusterSpec& cluster, const DatacenterSpec& dc) {
  const FabricSpec& f = cluster.fabric;
  NetworkInventory inv;
  inv.switch_power = f.switch_power.value() > 0 ? f.switch_power : dc.switch_power_per_port * f.radix;
  inv.optics_power = f.optics_power.value() > 0 ? f.optics_power : dc.optics_power;
  const double count = static_cast<double>(cluster.count);
  if (f.kind == FabricKind::kTorus) {
    // Links between cubes leave through optical circuit switches: a pod of max_slice chips uses ocs.count x
    // ocs.ports ports; a job takes its share. Each OCS port faces one transceiver.
    if (f.ocs && f.max_slice > 0) {
      inv.ocs_ports = count * f.ocs->count * f.ocs->ports / static_cast<double>(f.max_slice);
      inv.endpoints = inv.ocs_ports;
      inv.transceivers = inv.ocs_ports;
    }
    return inv;
  }
  // Folded Clos: the fewest tiers (up to the fabric's) whose radix-k tree holds every endpoint; a leaf uses all k
  // ports down in a one-tier network, k/2 down and k/2 up otherwise. Links into tier i shrink by the
  // oversubscription of the tiers below it. Every switch port is counted, and every link is optical.
  const double k = std::max(2, f.radix);
  inv.endpoints = count * f.nics_per_accelerator;
  inv.tiers = 1;
  for (double capacity = k; capacity < inv.endpoints && inv.tiers < f.tiers; capacity *= k / 2) ++inv.tiers;
  double ports = inv.endpoints;
  double links = inv.endpoints;
  // oversubscription[i] is the downlink:uplink ratio met climbing to tier i + 1 (tier 1 = leaf).
  auto over = [&](int tier) {
    const size_t i = static_cast<size_t>(tier - 1);
    return i < f.oversubscription.size() ? f.oversubscription[i] : 1.0;
  };
  double ratio = over(1);
  for (int tier = 2; tier <= inv.tiers; ++tier) {
    ratio *= over(tier);
    const double up = inv.endpoints / ratio;
    ports += 2 * up;
    links += up;
  }
  inv.switches = ports / k;
  inv.transceivers = 2 * links;
  return inv;
}

PowerModel::PowerModel(const ClusterSpec& cluster, const DatacenterSpec& datacenter)
    : cluster_(cluster), datacenter_(datacenter) {
  FLEETSIM_CHECK(cluster.count > 0);
  const int64_t per_host = std::max(1, cluster.node.host.accelerators_per_host);
  hosts_ = (cluster.count + per_host - 1) / per_host;
  network_ = InventoryNetwork(cluster, datacenter);
  Watts ocs;
  if (cluster.fabric.ocs) ocs = cluster.fabric.ocs->power_per_port * network_.ocs_ports;
  network_power_ = network_.switch_power * network_.switches + network_.optics_power * network_.transceivers + ocs;
}

ItPower PowerModel::It(double busy, double stalled) const {
  FLEETSIM_CHECK(busy >= 0 && stalled >= 0 && busy + stalled <= 1.0 + 1e-9);
  const Accelerator& a = cluster_.accelerator;
  const double activity = busy + datacenter_.stall_activity * stalled;
  const double active = busy + stalled;
  ItPower p;
  p.accelerators = (a.idle_power + (a.tdp - a.idle_power) * activity) * static_cast<double>(cluster_.count);
  const double host_level = datacenter_.host_idle_fraction + (1.0 - datacenter_.host_idle_fraction) * active;
  p.hosts = cluster_.node.host.host_power * (host_level * static_cast<double>(hosts_));
  p.network = network_power_;
  p.other = (p.accelerators + p.hosts + p.network) * datacenter_.other_it_fraction;
  return p;
}

EnergyBreakdown PowerModel::Energy(const Timeline& t) const {
  const Seconds total = t.Total();
  EnergyBreakdown e;
  if (total.value() <= 0) return e;
  const ItPower p = It(t.busy / total, t.stalled / total);
  e.accelerators = p.accelerators * total;
  e.hosts = p.hosts * total;
  e.network = p.network * total;
  e.other = p.other * total;
  e.facility = e.It() * datacenter_.pue;
  return e;
}

SiteLimits EvaluateSiteLimits(const PowerModel& power) {
  const ClusterSpec& c = power.cluster();
  SiteLimits s;
  s.facility_peak = power.Facility(power.ItPeak().Total());
  s.facility_peak_per_site = s.facility_peak / static_cast<double>(c.datacenters);
  s.facility_per_accelerator = s.facility_peak / static_cast<double>(c.count);
  s.power_cap = power.datacenter().power_cap;
  if (s.power_cap) {
    const double per_domain = s.facility_per_accelerator.value() * c.node.size;
    s.max_accelerators_per_site =
        static_cast<int64_t>(std::floor(s.power_cap->value() / per_domain)) * c.node.size;
    s.sites_needed = static_cast<int>(std::ceil(s.facility_peak / *s.power_cap - 1e-12));
    s.fits = s.facility_peak_per_site <= *s.power_cap;
  }
  return s;
}

}  // namespace fleetsim
