#include "fleetsim/cost/cost_model.h"

#include <fmt/format.h>

#include <cmath>

#include "fleetsim/cost/cash_flow.h"
#include "fleetsim/energy/datacenter_defaults.h"

namespace fleetsim {
namespace {

constexpr double kHoursPerYear = 365.0 * 24.0;

// The chip's price under the chosen pricing, with where it came from; absent when unknown. `estimate`: a chip
// that is not sold takes its catalog estimate in place of a list price.
std::optional<Usd> ChipPrice(const Accelerator& a, const EconomicsSpec& e, bool estimate, std::string* basis) {
  switch (e.chip_pricing) {
    case ChipPricing::kList:
      if (!a.list_price && estimate && a.estimated_price) {
        *basis = "estimated: not sold; a published estimate of its cost (catalog)";
        return a.estimated_price;
      }
      *basis = "list price (catalog)";
      return a.list_price;
    case ChipPricing::kGiven:
      *basis = "given";
      return e.chip_price;
    case ChipPricing::kBuild: {
      const std::optional<Usd> build = e.build_cost ? e.build_cost : a.build_cost;
      if (!build) return std::nullopt;
      *basis =
          fmt::format("build cost {} at {:.0f}% vendor margin", FormatUsd(build->value()), e.vendor_margin * 100);
      return *build / (1.0 - e.vendor_margin);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string FormatUsd(double usd) {
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (!std::isfinite(usd)) return "-";
  if (a >= 1e12) return fmt::format("{}${:.3e}", sign, a);  // a trillion and more
  if (a >= 1e9) return fmt::format("{}${:.2f}B", sign, a / 1e9);
  if (a >= 1e6) return fmt::format("{}${:.2f}M", sign, a / 1e6);
  if (a >= 1e3) {
    const auto whole = static_cast<long long>(std::llround(a));
    return fmt::format("{}${},{:03d}", sign, whole / 1000, static_cast<int>(whole % 1000));
  }
  return fmt::format("{}${:.2f}", sign, a);
}

std::string_view CostBasisName(CostBasis basis) {
  switch (basis) {
    case CostBasis::kOwned:
      return "owned";
    case CostBasis::kCloud:
      return "rented";
    case CostBasis::kUnknown:
      return "unknown";
  }
  return "?";
}

std::optional<CapexBreakdown> DeriveCapex(const PowerModel& power, const EconomicsSpec& e, bool estimate,
                                          std::string* why) {
  CapexBreakdown c;
  if (e.capex_per_accelerator) {
    c.all_in = e.capex_per_accelerator;
    c.chip_basis = "all-in capex given";
    return c;
  }
  const ClusterSpec& cl = power.cluster();
  const Accelerator& a = cl.accelerator;
  const std::optional<Usd> chip = ChipPrice(a, e, estimate, &c.chip_basis);
  c.estimated = chip && !a.list_price && e.chip_pricing == ChipPricing::kList;
  const int per_host = std::max(1, cl.node.host.accelerators_per_host);
  const std::optional<Usd> host_price = cl.node.host.price;
  if (host_price) {
    const Usd server_per_acc = *host_price / per_host;  // the server price includes its accelerators
    const std::optional<Usd> sold_at = a.list_price ? a.list_price : (estimate ? a.estimated_price : std::nullopt);
    if (chip && sold_at) {
      c.chip = *chip;
      c.server = server_per_acc - *sold_at;
    } else if (e.chip_pricing == ChipPricing::kList) {
      c.chip = server_per_acc;
      c.chip_basis = "server price (catalog) per accelerator, server included";
    } else if (chip) {
      c.chip = *chip;
      c.server = server_per_acc * (e.host_capex_fraction / (1.0 + e.host_capex_fraction));
    }
  } else if (chip) {
    c.chip = *chip;
    c.server = *chip * e.host_capex_fraction;
  }
  if (!chip && !(host_price && e.chip_pricing == ChipPricing::kList)) {
    *why = fmt::format("the catalog has no purchase price for '{}' (nor for its server '{}')", a.id, cl.node.id);
    return std::nullopt;
  }
  if (c.server.value() < 0) c.server = Usd(0);
  const NetworkInventory& n = power.network();
  const Usd switch_price =
      cl.fabric.switch_price ? *cl.fabric.switch_price : e.switch_price_per_port * cl.fabric.radix;
  c.network = (switch_price * n.switches + e.optics_price * n.transceivers) / static_cast<double>(cl.count);
  c.installation = (c.chip + c.server + c.network) * e.installation_fraction;
  return c;
}

CostModel::CostModel(const PowerModel& power, const EconomicsSpec& economics)
    : power_(power), economics_(economics) {
  const std::string& id = power.cluster().accelerator.id;
  const std::optional<double> public_price = DatacenterDefaults::BuiltIn().CloudPrice(id);
  auto rent = [&](double usd_per_s, const std::string& source) {
    basis_ = CostBasis::kCloud;
    cloud_usd_per_s_ = usd_per_s;
    note_ = fmt::format("rented at {} ${:.2f}/h per accelerator", source, usd_per_s * 3600);
  };
  auto own = [&] {
    basis_ = CostBasis::kOwned;
    note_ = fmt::format("owned: capex {} per accelerator ({})", FormatUsd(capex_->Total().value()),
                        capex_->chip_basis);
  };
  std::string why;
  if (economics_.basis == CostBasis::kCloud) {
    capex_ = DeriveCapex(power_, economics_, /*estimate=*/true, &why);
    if (economics_.cloud_price_usd_per_s) {
      rent(*economics_.cloud_price_usd_per_s, "the given price");
    } else if (public_price) {
      rent(*public_price, "the public price (data/datacenter.yaml)");
    } else {
      note_ = fmt::format("no public rent price for '{}' in data/datacenter.yaml; set economics.cloud_price", id);
    }
    return;
  }
  if (economics_.basis == CostBasis::kOwned) {
    capex_ = DeriveCapex(power_, economics_, /*estimate=*/true, &why);
    if (capex_) {
      own();
    } else {
      note_ = fmt::format("{}; set economics.capex_per_accelerator", why);
    }
    return;
  }
  // No basis chosen: owned at a purchase price, else rented at a given or public price, else owned at the
  // catalog's estimate for a chip that is not sold.
  capex_ = DeriveCapex(power_, economics_, /*estimate=*/false, &why);
  if (economics_.cloud_price_usd_per_s) {
    rent(*economics_.cloud_price_usd_per_s, "the given price");
  } else if (capex_) {
    own();
  } else if (public_price) {
    rent(*public_price, "the public price (data/datacenter.yaml)");
    note_ += fmt::format(" ({})", why);
  } else if ((capex_ = DeriveCapex(power_, economics_, /*estimate=*/true, &why))) {
    own();
  } else {
    note_ = fmt::format("{}; set economics.capex_per_accelerator or economics.cloud_price", why);
  }
}

Usd CostModel::FacilityCapexPerAccelerator() const {
  return Usd(economics_.facility_capex_usd_per_w * power_.ItPeak().Total().value() /
             static_cast<double>(power_.count()));
}

Usd CostModel::CapitalPerYear() const {
  const double r = economics_.discount_rate;
  const double years = economics_.LifeYears();
  const Usd capex = capex_->Total();
  const Usd residual_pv = capex * (economics_.residual_fraction * std::pow(1.0 + r, -years));
  return (capex - residual_pv) * CapitalRecoveryFactor(r, years);
}

Usd CostModel::FixedOpexPerYear() const {
  const double facility_years = economics_.facility_life.value() / (kHoursPerYear * 3600.0);
  const Usd facility =
      FacilityCapexPerAccelerator() * CapitalRecoveryFactor(economics_.discount_rate, facility_years);
  return facility + capex_->Total() * (economics_.maintenance_fraction + economics_.staff_fraction);
}

std::optional<CostBreakdown> CostModel::PerAcceleratorHour(double busy, double stalled) const {
  CostBreakdown c;
  if (basis_ == CostBasis::kUnknown) return std::nullopt;
  if (basis_ == CostBasis::kCloud) {
    c.cloud = Usd(cloud_usd_per_s_ * 3600.0);
    return c;
  }
  const double r = economics_.discount_rate;
  const double facility_years = economics_.facility_life.value() / (kHoursPerYear * 3600.0);
  const Usd capex = capex_->Total();
  c.capital = CapitalPerYear() / kHoursPerYear;
  c.facility = FacilityCapexPerAccelerator() * (CapitalRecoveryFactor(r, facility_years) / kHoursPerYear);
  c.maintenance = capex * (economics_.maintenance_fraction / kHoursPerYear);
  c.staff = capex * (economics_.staff_fraction / kHoursPerYear);
  const Watts facility_power =
      power_.Facility(power_.It(busy, stalled).Total()) / static_cast<double>(power_.count());
  c.electricity = Usd(facility_power.value() * 3600.0 * power_.datacenter().electricity_usd_per_j);
  return c;
}

std::optional<CostBreakdown> CostModel::Run(const Timeline& t) const {
  const Seconds total = t.Total();
  if (total.value() <= 0)
    return basis_ == CostBasis::kUnknown ? std::nullopt : std::optional<CostBreakdown>(CostBreakdown{});
  std::optional<CostBreakdown> hour = PerAcceleratorHour(t.busy / total, t.stalled / total);
  if (!hour) return std::nullopt;
  const double accelerator_hours = static_cast<double>(power_.count()) * total.value() / 3600.0;
  CostBreakdown c;
  c.capital = hour->capital * accelerator_hours;
  c.facility = hour->facility * accelerator_hours;
  c.maintenance = hour->maintenance * accelerator_hours;
  c.staff = hour->staff * accelerator_hours;
  c.electricity = hour->electricity * accelerator_hours;
  c.cloud = hour->cloud * accelerator_hours;
  return c;
}

std::optional<OwnershipInputs> CostModel::Ownership() const {
  if (!capex_) return std::nullopt;
  OwnershipInputs o;
  o.capex = capex_->Total();
  o.life_years = economics_.LifeYears();
  o.discount_rate = economics_.discount_rate;
  o.residual_fraction = economics_.residual_fraction;
  o.fixed_opex_per_year = FixedOpexPerYear();
  const double n = static_cast<double>(power_.count());
  o.facility_power_busy = power_.Facility(power_.It(1.0, 0.0).Total()) / n;
  o.facility_power_idle = power_.Facility(power_.It(0.0, 0.0).Total()) / n;
  o.electricity_usd_per_j = power_.datacenter().electricity_usd_per_j;
  return o;
}

}  // namespace fleetsim
