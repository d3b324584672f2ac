// DatacenterSpec: the scenario's `datacenter:` section (DESIGN §3), validated and resolved against the defaults of
// data/datacenter.yaml: the PUE (given, or from cooling kind and climate), the electricity price (given, or by
// region), the per-site power cap, and the power-model shares. Every field is set; `*_basis` says where the PUE
// and the price came from, so reports can show each input.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/units.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

struct DatacenterSpec {
  double pue = 1.0;       // facility power / IT power, >= 1
  std::string pue_basis;  // "given" or "air cooling, temperate climate"
  double electricity_usd_per_j = 0.0;
  std::string electricity_basis;   // "given" or the region name
  std::optional<Watts> power_cap;  // facility power available per site; absent: unlimited
  double host_idle_fraction = 0.0;
  double stall_activity = 0.0;
  double other_it_fraction = 0.0;
  Watts switch_power_per_port;  // for fabrics without switch_power
  Watts optics_power;           // for fabrics without optics_power

  // The defaults, as a scenario without a `datacenter:` section gets them.
  static DatacenterSpec Default();
  // The price of electricity per kWh, for reports.
  double UsdPerKwh() const { return electricity_usd_per_j * 3.6e6; }
};

// Reads the `datacenter:` section; `cluster` is the already-resolved cluster, for cross-checks.
DatacenterSpec ParseDatacenterSpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
