#include "fleetsim/validate/economics_family.h"

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

const char* kPublishedCase = R"(
name: h100-rental-threshold
cluster: {accelerator: h100, count: 1024, fabric: roce-400-clos}
model: llama3-70b
training: {seq_len: 8192, global_batch: 512, parallelism: {tp: 8, pp: 4}}
datacenter: {electricity: "$0.0806/kWh"}
economics:
  capex_per_accelerator: "$50000"
  life: "5y"
  rental: {price: "$1.99/h"}
)";

const char* kSource = "E. Cheah, Latent Space, Oct 2024 (validation/economics.md)";

}  // namespace

RunCost EconomicsPublishedCase(const Catalog& catalog) {
  const Scenario s = Scenario::Parse(kPublishedCase, "economics-validation", {}, catalog);
  return EvaluateRunCost(s, RunProfile{Seconds(10), Seconds(7.5), 1e6, std::nullopt});
}

FamilyReport ValidateEconomics(const Catalog& catalog) {
  const RunCost c = EconomicsPublishedCase(catalog);
  FLEETSIM_CHECK(c.rental && c.ownership);
  const RentalResult& r = *c.rental;
  const RentalResult at285 = EvaluateRental(*c.ownership, c.economics.rental, 2.85);
  FamilyReport report;
  report.family = "economics";
  report.title = "H100 rental economics ($50,000 all-in, 5 years) against published thresholds";
  auto add = [&](const char* id, const char* metric, const char* unit, const char* published, double predicted,
                 const char* detail) {
    ValidationRow row;
    row.id = id;
    row.source = kSource;
    row.metric = metric;
    row.unit = unit;
    row.published = PublishedFigure::Parse(published);
    row.predicted = predicted;
    row.role = Role::kCheck;
    row.detail = detail;
    report.rows.push_back(std::move(row));
  };
  add("h100-breakeven", "breakeven_usd_per_hour", "$/h", "1.50-2.20", r.breakeven_usd_per_hour.value_or(0),
      "rental price at IRR 0");
  add("h100-irr-at-1.99", "irr", "fraction", "<0.10", r.irr.value_or(-1), "project IRR at $1.99/h");
  add("h100-roe-at-1.99", "roe", "fraction", "<0.10", r.roe.value_or(-1),
      "return on equity at $1.99/h, half the capex borrowed");
  add("h100-irr-at-2.85", "irr", "fraction", ">0.08", at285.irr.value_or(-1),
      "above about $2.85/h an H100 beats the 8% cost of capital");
  report.Summarize();
  return report;
}

}  // namespace fleetsim
