#include "fleetsim/cost/cost_report.h"

#include <fmt/format.h>

#include "fleetsim/core/quantity.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

using nlohmann::json;

struct Row {
  std::string section;
  std::string quantity;
  std::string value;
  std::string basis;
};

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

std::string Percent(double f) { return fmt::format("{:.1f}%", f * 100); }
std::string OptPercent(const std::optional<double>& f) { return f ? Percent(*f) : "-"; }
std::string Power(Watts w) { return FormatQuantity(w.value(), Dimension::kPower); }
std::string Energy(Joules j) { return FormatQuantity(j.value(), Dimension::kEnergy); }
std::string PerHour(double usd) { return fmt::format("${:.3f}/h", usd); }

std::string CapexBasis(const EconomicsSpec& e) {
  return fmt::format("life {:g} y at {:g}% cost of capital, resale {:g}%", e.LifeYears(), e.discount_rate * 100,
                     e.residual_fraction * 100);
}

std::vector<Row> Rows(const Scenario& s, const RunCost& c) {
  const ClusterSpec& cl = s.cluster;
  const DatacenterSpec& dc = c.datacenter;
  const EconomicsSpec& e = c.economics;
  std::vector<Row> rows;
  auto add = [&](const char* section, std::string q, std::string v, std::string b = "") {
    rows.push_back({section, std::move(q), std::move(v), std::move(b)});
  };
  add("inputs", "cluster", fmt::format("{} x {}", cl.count, cl.accelerator.id),
      fmt::format("in {} {} nodes ({} hosts), fabric {}", cl.Nodes(), cl.node.id, c.hosts, cl.fabric.id));
  add("inputs", "accelerator power",
      fmt::format("{:g} W TDP, {:g} W idle", cl.accelerator.tdp.value(), cl.accelerator.idle_power.value()),
      "catalog; power = idle + (TDP - idle) x activity");
  add("inputs", "host power", Power(cl.node.host.host_power) + " per host at load",
      fmt::format("idle at {:g}% of load", dc.host_idle_fraction * 100));
  add("inputs", "network",
      fmt::format("{:.1f} switches, {:.0f} transceivers", c.network.switches, c.network.transceivers),
      c.network.tiers > 0 ? fmt::format("Clos of {} tier(s); {} per switch, {} per transceiver", c.network.tiers,
                                        Power(c.network.switch_power), Power(c.network.optics_power))
                          : fmt::format("torus: {:.0f} optical circuit switch ports, {} per transceiver",
                                        c.network.ocs_ports, Power(c.network.optics_power)));
  add("inputs", "PUE", fmt::format("{:.2f}", dc.pue), dc.pue_basis);
  add("inputs", "electricity", fmt::format("${:.4f}/kWh", dc.UsdPerKwh()), dc.electricity_basis);
  add("inputs", "busy fraction", Percent(c.busy_fraction),
      fmt::format("computing; the rest waits at {:g}% activity", dc.stall_activity * 100));
  add("inputs", "run", FormatQuantity(c.duration.value(), Dimension::kTime), c.duration_basis);
  add("inputs", "tokens", fmt::format("{:.4g}", c.tokens), "trained in the run");

  add("power", "IT power (average)", Power(c.it_power.Total()),
      fmt::format("accelerators {}, hosts {}, network {}, other {}", Power(c.it_power.accelerators),
                  Power(c.it_power.hosts), Power(c.it_power.network), Power(c.it_power.other)));
  add("power", "IT power (peak)", Power(c.it_peak.Total()), "every accelerator at TDP");
  add("power", "facility power (average)", Power(c.facility_power), "IT x PUE");
  add("power", "facility power (peak)", Power(c.facility_peak), "what the site must provision");
  add("power", "per accelerator (peak)", Power(c.site.facility_per_accelerator),
      "with its host and network share");

  add("energy", "energy of the run", Energy(c.energy.facility),
      fmt::format("IT {}: accelerators {}, hosts {}, network {}, other {}", Energy(c.energy.It()),
                  Energy(c.energy.accelerators), Energy(c.energy.hosts), Energy(c.energy.network),
                  Energy(c.energy.other)));
  add("energy", "energy per step", Energy(c.step_energy), "facility");

  add("site", "datacenters", std::to_string(cl.datacenters),
      fmt::format("per site: {} facility power at peak", Power(c.site.facility_peak_per_site)));
  if (c.site.power_cap) {
    add("site", "power cap per site", Power(*c.site.power_cap), c.site.fits ? "the job fits" : "EXCEEDED");
    add("site", "accelerators per site", std::to_string(*c.site.max_accelerators_per_site),
        fmt::format("whole {} nodes under the cap", cl.node.id));
    add("site", "sites needed", std::to_string(c.site.sites_needed), "of the cap, for the whole job");
  } else {
    add("site", "power cap per site", "-", "not set (datacenter.power_cap)");
  }

  add("cost", "basis", std::string(CostBasisName(c.basis)), c.cost_note);
  if (c.capex_per_accelerator) {
    const CapexBreakdown& k = *c.capex_per_accelerator;
    add("cost", "capex per accelerator", FormatUsd(k.Total().value()),
        k.all_in ? "all-in, given"
                 : fmt::format("chip {} ({}), server {}, network {}, installation {}", FormatUsd(k.chip.value()),
                               k.chip_basis, FormatUsd(k.server.value()), FormatUsd(k.network.value()),
                               FormatUsd(k.installation.value())));
    add("cost", "capex of the job", FormatUsd(c.capex_total->value()), CapexBasis(e));
    add("cost", "facility capex", fmt::format("${:.1f}M/MW", e.facility_capex_usd_per_w),
        fmt::format("of IT load, over {:g} y", e.facility_life.value() / (365.0 * 86400)));
  }
  if (c.per_accelerator_hour) {
    const CostBreakdown& h = *c.per_accelerator_hour;
    add("cost", "per accelerator-hour", PerHour(h.Total().value()),
        c.basis == CostBasis::kCloud
            ? "cloud price"
            : fmt::format("capital {:.3f}, facility {:.3f}, maintenance {:.3f} ({:g}%/y), staff {:.3f} ({:g}%/y), "
                          "electricity {:.3f}",
                          h.capital.value(), h.facility.value(), h.maintenance.value(),
                          e.maintenance_fraction * 100, h.staff.value(), e.staff_fraction * 100,
                          h.electricity.value()));
  }
  add("cost", "cost of the run", c.cost ? FormatUsd(c.cost->Total().value()) : "-",
      c.cost ? fmt::format("electricity {}", FormatUsd(c.cost->electricity.value())) : "no price known");
  add("cost", "per million tokens",
      c.usd_per_million_tokens ? fmt::format("${:.4f}", *c.usd_per_million_tokens) : "-", "");

  if (c.rental) {
    const RentalResult& r = *c.rental;
    add("rental", "price", PerHour(r.price_usd_per_hour),
        fmt::format("at {} utilization; {} debt at {}", Percent(r.utilization), Percent(e.rental.debt_share),
                    Percent(e.rental.interest_rate)));
    add("rental", "revenue per year", FormatUsd(r.revenue_per_year_usd),
        fmt::format("less electricity {} and fixed opex {} a year", FormatUsd(r.electricity_per_year_usd),
                    FormatUsd(r.fixed_opex_per_year_usd)));
    add("rental", "break-even price", r.breakeven_usd_per_hour ? PerHour(*r.breakeven_usd_per_hour) : "-",
        "recovers capex and opex over the life (IRR 0)");
    add("rental", "hurdle price", r.hurdle_usd_per_hour ? PerHour(*r.hurdle_usd_per_hour) : "-",
        fmt::format("also pays the {} cost of capital (NPV 0)", Percent(e.discount_rate)));
    add("rental", "NPV", FormatUsd(r.npv_usd), fmt::format("per accelerator at {}", Percent(e.discount_rate)));
    add("rental", "IRR", OptPercent(r.irr), "of the project");
    add("rental", "payback", r.payback_years ? fmt::format("{:.2f} y", *r.payback_years) : "never",
        "undiscounted");
    add("rental", "return on equity", OptPercent(r.roe), "IRR of the owner's cash after debt service");
  }
  return rows;
}

}  // namespace

json RentalJson(const RentalResult& r) {
  json flows = json::array();
  for (const CashFlow& f : r.flows) flows.push_back({{"t_years", f.t_years}, {"usd", f.usd}});
  return {{"price_usd_per_hour", r.price_usd_per_hour},
          {"utilization", r.utilization},
          {"breakeven_usd_per_hour", Opt(r.breakeven_usd_per_hour)},
          {"hurdle_usd_per_hour", Opt(r.hurdle_usd_per_hour)},
          {"npv_usd", r.npv_usd},
          {"irr", Opt(r.irr)},
          {"payback_years", Opt(r.payback_years)},
          {"roe", Opt(r.roe)},
          {"revenue_per_year_usd", r.revenue_per_year_usd},
          {"electricity_per_year_usd", r.electricity_per_year_usd},
          {"fixed_opex_per_year_usd", r.fixed_opex_per_year_usd},
          {"debt_payment_per_year_usd", r.debt_payment_per_year_usd},
          {"cash_flows", flows}};
}

json RunCostJson(const Scenario& s, const RunCost& c) {
  const DatacenterSpec& dc = c.datacenter;
  const EconomicsSpec& e = c.economics;
  json j;
  j["scenario"] = s.name;
  j["accelerator"] = s.cluster.accelerator.id;
  j["count"] = s.cluster.count;
  j["it_power_w"] = c.it_power.Total().value();
  j["it_power_peak_w"] = c.it_peak.Total().value();
  j["facility_power_w"] = c.facility_power.value();
  j["facility_power_peak_w"] = c.facility_peak.value();
  j["pue"] = dc.pue;
  j["power_w"] = {{"accelerators", c.it_power.accelerators.value()},
                  {"hosts", c.it_power.hosts.value()},
                  {"network", c.it_power.network.value()},
                  {"other", c.it_power.other.value()}};
  j["busy_fraction"] = c.busy_fraction;
  j["duration_s"] = c.duration.value();
  j["duration_basis"] = c.duration_basis;
  j["tokens"] = c.tokens;
  j["energy_j"] = c.energy.facility.value();
  j["it_energy_j"] = c.energy.It().value();
  j["step_energy_j"] = c.step_energy.value();
  j["cost_basis"] = CostBasisName(c.basis);
  j["cost_note"] = c.cost_note;
  j["cost_usd"] = c.cost ? json(c.cost->Total().value()) : json();
  j["electricity_cost_usd"] = c.cost ? json(c.cost->electricity.value()) : json();
  j["usd_per_million_tokens"] = Opt(c.usd_per_million_tokens);
  j["usd_per_accelerator_hour"] = c.per_accelerator_hour ? json(c.per_accelerator_hour->Total().value()) : json();
  j["capex_per_accelerator_usd"] =
      c.capex_per_accelerator ? json(c.capex_per_accelerator->Total().value()) : json();
  j["capex_usd"] = c.capex_total ? json(c.capex_total->value()) : json();
  j["site"] = {{"datacenters", s.cluster.datacenters},
               {"facility_power_per_site_w", c.site.facility_peak_per_site.value()},
               {"facility_power_per_accelerator_w", c.site.facility_per_accelerator.value()},
               {"power_cap_w", c.site.power_cap ? json(c.site.power_cap->value()) : json()},
               {"max_accelerators_per_site",
                c.site.max_accelerators_per_site ? json(*c.site.max_accelerators_per_site) : json()},
               {"sites_needed", c.site.sites_needed},
               {"fits", c.site.fits}};
  j["inputs"] = {{"pue_basis", dc.pue_basis},
                 {"electricity_usd_per_kwh", dc.UsdPerKwh()},
                 {"electricity_basis", dc.electricity_basis},
                 {"host_idle_fraction", dc.host_idle_fraction},
                 {"stall_activity", dc.stall_activity},
                 {"other_it_fraction", dc.other_it_fraction},
                 {"life_years", e.LifeYears()},
                 {"discount_rate", e.discount_rate},
                 {"residual_value", e.residual_fraction},
                 {"facility_capex_usd_per_w", e.facility_capex_usd_per_w},
                 {"facility_life_years", e.facility_life.value() / (365.0 * 86400)},
                 {"maintenance_fraction", e.maintenance_fraction},
                 {"staff_fraction", e.staff_fraction},
                 {"installation_fraction", e.installation_fraction},
                 {"rental_price_usd_per_hour", e.rental.UsdPerHour()},
                 {"utilization", e.rental.utilization},
                 {"debt_share", e.rental.debt_share},
                 {"interest_rate", e.rental.interest_rate}};
  j["rental"] = c.rental ? RentalJson(*c.rental) : json();
  return j;
}

std::string RunCostText(const Scenario& s, const RunCost& c) {
  Table t({"", "quantity", "value", "basis"});
  std::string section;
  for (const Row& r : Rows(s, c)) {
    if (r.section != section && !section.empty()) t.AddRule();
    t.AddRow({r.section != section ? r.section : "", r.quantity, r.value, r.basis});
    section = r.section;
  }
  return fmt::format("fleetsim cost: {}\n\n{}", s.name, t.RenderText());
}

std::string RunCostCsv(const Scenario& s, const RunCost& c) {
  Table t({"section", "quantity", "value", "basis"});
  for (const Row& r : Rows(s, c)) t.AddRow({r.section, r.quantity, r.value, r.basis});
  return t.RenderCsv();
}

json RentalSweepJson(const Scenario& s, const RunCost& c, const std::vector<RentalResult>& rows) {
  json out = json::array();
  for (const RentalResult& r : rows) {
    out.push_back({{"price_usd_per_hour", r.price_usd_per_hour},
                   {"npv_usd", r.npv_usd},
                   {"irr", Opt(r.irr)},
                   {"payback_years", Opt(r.payback_years)},
                   {"roe", Opt(r.roe)}});
  }
  json j = {{"scenario", s.name}, {"sweep", "price"}, {"rows", out}};
  if (c.rental) {
    j["breakeven_usd_per_hour"] = Opt(c.rental->breakeven_usd_per_hour);
    j["hurdle_usd_per_hour"] = Opt(c.rental->hurdle_usd_per_hour);
  }
  return j;
}

std::string RentalSweepText(const Scenario& s, const RunCost& c, const std::vector<RentalResult>& rows) {
  Table t({"$/h", "NPV", "IRR", "payback", "ROE"});
  for (const RentalResult& r : rows) {
    t.AddRow({fmt::format("{:.2f}", r.price_usd_per_hour), FormatUsd(r.npv_usd), OptPercent(r.irr),
              r.payback_years ? fmt::format("{:.2f} y", *r.payback_years) : "never", OptPercent(r.roe)});
  }
  std::string head =
      fmt::format("fleetsim cost --sweep price: {} (per {}, capex {}, {})\n\n", s.name, s.cluster.accelerator.id,
                  c.capex_per_accelerator ? FormatUsd(c.capex_per_accelerator->Total().value()) : "-",
                  CapexBasis(c.economics));
  std::string foot;
  if (c.rental && c.rental->breakeven_usd_per_hour && c.rental->hurdle_usd_per_hour) {
    foot = fmt::format("\nBreak-even {} (IRR 0); hurdle {} (NPV 0 at {}). Utilization {}.\n",
                       PerHour(*c.rental->breakeven_usd_per_hour), PerHour(*c.rental->hurdle_usd_per_hour),
                       Percent(c.economics.discount_rate), Percent(c.economics.rental.utilization));
  }
  return head + t.RenderText() + foot;
}

std::string RentalSweepCsv(const std::vector<RentalResult>& rows) {
  Table t({"price_usd_per_hour", "npv_usd", "irr", "payback_years", "roe"});
  auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string(); };
  for (const RentalResult& r : rows) {
    t.AddRow({fmt::format("{:.4g}", r.price_usd_per_hour), fmt::format("{:.2f}", r.npv_usd), opt(r.irr),
              opt(r.payback_years), opt(r.roe)});
  }
  return t.RenderCsv();
}

}  // namespace fleetsim
