#include "fleetsim/cost/economics_spec.h"

#include <fmt/format.h>

#include <cctype>

#include "fleetsim/core/yaml_map.h"
#include "fleetsim/energy/datacenter_defaults.h"

namespace fleetsim {
namespace {

constexpr double kYearSeconds = 365.0 * 86400.0;
// Bounds past which the inputs describe no purchase: $100M per accelerator or part, an hourly price above
// $1,000/h (accelerators rent for $1-15/h), a life under a month (capital charges per hour become meaningless)
// or over 50 years.
constexpr double kMaxUsd = 1e8;
const Range kPrice = Range::Between(0, 1000.0 / 3600.0);
const Range kLife = Range::Between(30 * 86400.0, 50 * kYearSeconds);

void ParseRental(YamlMap& m, RentalSpec& r) {
  if (auto v = m.OptQuantity("price", Dimension::kMoneyPerTime, kPrice)) r.price_usd_per_s = *v;
  if (auto v = m.OptNumber("utilization", Range::Fraction())) r.utilization = *v;
  if (auto v = m.OptNumber("debt_share", Range::Between(0, 0.95))) r.debt_share = *v;
  if (auto v = m.OptNumber("interest_rate", Range::Fraction())) r.interest_rate = *v;
  m.Finish();
}

}  // namespace

double EconomicsSpec::LifeYears() const { return life.value() / kYearSeconds; }

EconomicsSpec EconomicsSpec::Default() {
  const CostDefaults& d = DatacenterDefaults::BuiltIn().cost;
  EconomicsSpec e;
  e.life = d.life;
  e.discount_rate = d.discount_rate;
  e.facility_capex_usd_per_w = d.facility_capex_usd_per_w;
  e.facility_life = d.facility_life;
  e.maintenance_fraction = d.maintenance_fraction;
  e.staff_fraction = d.staff_fraction;
  e.installation_fraction = d.installation_fraction;
  e.host_capex_fraction = d.host_capex_fraction;
  e.switch_price_per_port = d.switch_price_per_port;
  e.optics_price = d.optics_price;
  e.rental = {d.rental.price_usd_per_s, d.rental.utilization, d.rental.debt_share, d.rental.interest_rate};
  return e;
}

EconomicsSpec ParseEconomicsSpec(YamlMap& m, const ClusterSpec& cluster) {
  EconomicsSpec e = EconomicsSpec::Default();
  const Range money = Range::Between(0, kMaxUsd);
  if (auto v = m.OptQuantity("capex_per_accelerator", Dimension::kMoney, Range{0.0, kMaxUsd, true})) {
    e.capex_per_accelerator = Usd(*v);
  }
  if (m.Has("chip_price")) {
    const auto& node = m.node()["chip_price"];
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    if (text == "list") {
      e.chip_pricing = ChipPricing::kList;
    } else if (text == "build") {
      e.chip_pricing = ChipPricing::kBuild;
    } else if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.front()))) {
      m.Fail("chip_price",
             fmt::format("'{}' is not allowed; allowed: list, build, or an amount such as \"$25000\"", text));
    } else {
      e.chip_pricing = ChipPricing::kGiven;
      e.chip_price = Usd(m.Quantity("chip_price", Dimension::kMoney, money));
    }
  }
  if (auto v = m.OptQuantity("build_cost", Dimension::kMoney, money)) e.build_cost = Usd(*v);
  if (auto v = m.OptNumber("vendor_margin", Range::Between(0, 0.99))) e.vendor_margin = *v;
  if (auto v = m.OptQuantity("life", Dimension::kTime, kLife)) e.life = Seconds(*v);
  if (auto v = m.OptNumber("discount_rate", Range::Fraction())) e.discount_rate = *v;
  if (auto v = m.OptNumber("residual_value", Range::Fraction())) e.residual_fraction = *v;
  if (auto v = m.OptQuantity("facility_capex_per_mw", Dimension::kMoneyPerPower, Range::Between(0, 1000))) {
    e.facility_capex_usd_per_w = *v;
  }
  if (auto v = m.OptQuantity("facility_life", Dimension::kTime, kLife)) e.facility_life = Seconds(*v);
  if (auto v = m.OptNumber("maintenance_fraction", Range::Fraction())) e.maintenance_fraction = *v;
  if (auto v = m.OptNumber("staff_fraction", Range::Fraction())) e.staff_fraction = *v;
  if (auto v = m.OptNumber("installation_fraction", Range::Fraction())) e.installation_fraction = *v;
  if (auto v = m.OptNumber("host_capex_fraction", Range::Between(0, 10))) e.host_capex_fraction = *v;
  if (auto v = m.OptQuantity("switch_price_per_port", Dimension::kMoney, money)) e.switch_price_per_port = Usd(*v);
  if (auto v = m.OptQuantity("optics_price", Dimension::kMoney, money)) e.optics_price = Usd(*v);
  if (auto v = m.OptQuantity("cloud_price", Dimension::kMoneyPerTime, kPrice)) e.cloud_price_usd_per_s = *v;
  if (auto r = m.OptMap("rental")) ParseRental(*r, e.rental);
  if (auto b = m.OptChoice("basis", {"owned", "rented"}))
    e.basis = *b == "owned" ? CostBasis::kOwned : CostBasis::kCloud;
  m.Finish();

  if (e.capex_per_accelerator && (m.Has("chip_price") || e.build_cost || m.Has("vendor_margin"))) {
    m.Fail(
        "capex_per_accelerator",
        "capex_per_accelerator is all-in; drop chip_price, build_cost and vendor_margin, or drop it to derive the "
        "capex from them");
  }
  if (e.basis == CostBasis::kOwned && e.cloud_price_usd_per_s) {
    m.Fail("cloud_price",
           "cloud_price prices a rented run, and the basis is owned: drop cloud_price, or price the run rented "
           "(basis: rented, --basis rented)");
  }
  if (e.chip_pricing == ChipPricing::kBuild && !e.build_cost && !cluster.accelerator.build_cost) {
    m.Fail("chip_price", fmt::format("the catalog has no build cost for '{}': give economics.build_cost",
                                     cluster.accelerator.id));
  }
  if (e.chip_pricing != ChipPricing::kBuild && (e.build_cost || m.Has("vendor_margin"))) {
    m.Fail(e.build_cost ? "build_cost" : "vendor_margin",
           "build_cost and vendor_margin apply with chip_price: build");
  }
  return e;
}

}  // namespace fleetsim
