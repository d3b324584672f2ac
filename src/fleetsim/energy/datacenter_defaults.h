// DatacenterDefaults: the documented defaults of the power and cost models (PUE by cooling and climate,
// electricity prices by region, host and network power shares, facility capex, maintenance, staff, rental terms,
// cloud prices), read once from the embedded data/datacenter.yaml with the source of every figure. Immutable after
// loading.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

struct PowerDefaults {
  double host_idle_fraction = 0.0;  // host power at idle / at load
  double stall_activity = 0.0;      // accelerator activity (0 idle .. 1 TDP) while waiting on communication
  double other_it_fraction = 0.0;   // storage, management, front end: share of compute + network IT power
  Watts switch_power_per_port;      // fallback for fabrics without switch_power
  Watts optics_power;               // fallback per transceiver for fabrics without optics_power
};

struct RentalDefaults {
  double price_usd_per_s = 0.0;
  double utilization = 0.0;
  double debt_share = 0.0;
  double interest_rate = 0.0;
};

struct CostDefaults {
  Seconds life;
  double discount_rate = 0.0;
  double facility_capex_usd_per_w = 0.0;  // per W of critical IT load
  Seconds facility_life;
  double maintenance_fraction = 0.0;   // of hardware capex per year
  double staff_fraction = 0.0;         // of hardware capex per year
  double installation_fraction = 0.0;  // of hardware capex, once
  double host_capex_fraction = 0.0;    // server without accelerators / accelerators' price
  Usd switch_price_per_port;
  Usd optics_price;  // per transceiver
  RentalDefaults rental;
};

struct DatacenterDefaults {
  // pue[cooling][climate]
  std::map<std::string, std::map<std::string, double>> pue;
  std::string default_cooling;
  std::string default_climate;
  std::map<std::string, double> electricity_usd_per_j;  // by region
  std::string default_region;
  PowerDefaults power;
  CostDefaults cost;
  std::map<std::string, double> cloud_price_usd_per_s;  // by accelerator id
  std::map<std::string, std::string> sources;

  // The defaults compiled into the library (data/datacenter.yaml); parsed on first use, thread-safe.
  static const DatacenterDefaults& BuiltIn();
  // Parses a `datacenter_defaults:` document; bad input is an InputError.
  static DatacenterDefaults Parse(const std::string& text, const std::string& file);

  std::vector<std::string> Coolings() const;
  std::vector<std::string> Climates() const;
  std::vector<std::string> Regions() const;
  // The cloud price of an accelerator, when the defaults list one.
  std::optional<double> CloudPrice(const std::string& accelerator_id) const;
  // The source of a default ("pue.air"), or "" when none is recorded.
  std::string Source(const std::string& key) const;
};

}  // namespace fleetsim
