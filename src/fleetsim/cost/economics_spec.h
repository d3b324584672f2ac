// EconomicsSpec: the scenario's `economics:` section (DESIGN §3), validated and resolved against the defaults of
// data/datacenter.yaml: what the hardware costs (all-in per accelerator, or derived from the chip, server and
// network prices), its life and the cost of capital, the running costs, and the terms of renting it out. Every
// field is set; optional ones are absent only where "unknown" or "not asked for" is meaningful.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/units.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

// How a run is paid for.
enum class CostBasis {
  kOwned,    // capex + opex of owning the hardware
  kCloud,    // rented: a price per accelerator-hour (electricity included)
  kUnknown,  // no price known: energy only
};

// Which price the chip carries when the capex is derived rather than given.
enum class ChipPricing {
  kList,   // the catalog's list price (a merchant GPU bought from its vendor)
  kBuild,  // build cost / (1 - vendor_margin): a custom chip at cost, or a merchant chip at a chosen margin
  kGiven,  // economics.chip_price as an amount
};

struct RentalSpec {
  double price_usd_per_s = 0.0;  // rental price per accelerator-second
  double utilization = 0.0;      // share of hours billed, 0..1
  double debt_share = 0.0;       // share of capex financed by debt, 0..0.95
  double interest_rate = 0.0;    // on the debt, per year

  double UsdPerHour() const { return price_usd_per_s * 3600.0; }
};

struct EconomicsSpec {
  std::optional<Usd> capex_per_accelerator;  // all-in: chip, server share, network, installation
  ChipPricing chip_pricing = ChipPricing::kList;
  std::optional<Usd> chip_price;  // kGiven
  std::optional<Usd> build_cost;  // overrides the catalog's build cost
  double vendor_margin = 0.0;     // gross margin on build cost: price = build_cost / (1 - margin)
  Seconds life;
  double discount_rate = 0.0;
  double residual_fraction = 0.0;  // resale value at end of life, share of capex
  double facility_capex_usd_per_w = 0.0;
  Seconds facility_life;
  double maintenance_fraction = 0.0;
  double staff_fraction = 0.0;
  double installation_fraction = 0.0;
  double host_capex_fraction = 0.0;
  Usd switch_price_per_port;
  Usd optics_price;
  std::optional<double> cloud_price_usd_per_s;  // given: the run is priced as rented at this price
  // `economics.basis` (or a command's --basis): owned or rented whatever prices are known; absent: owned when the
  // chip has a purchase price, else rented at a public price (or at cloud_price when given).
  std::optional<CostBasis> basis;
  RentalSpec rental;

  // The defaults, as a scenario without an `economics:` section gets them.
  static EconomicsSpec Default();
  double LifeYears() const;
};

// Reads the `economics:` section; `cluster` is the already-resolved cluster, for cross-checks (a chip priced at
// build cost needs a build cost).
EconomicsSpec ParseEconomicsSpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
