// `fleetsim demo` (and `fleetsim` alone): the built-in comparison of one flagship workload, Llama 3 405B
// pretraining on 15.6T tokens, across fleets of about 16,000 accelerators. Each fleet gets the best plan that
// plan search finds; the scenarios are data/demo/*.yaml, compiled into the binary.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/cost/run_cost.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/search/plan_search.h"

namespace fleetsim {
namespace {

struct FleetRow {
  Scenario scenario;
  StepResult result;
  int64_t plans_evaluated = 0;
  std::optional<RunCost> cost;
};

FleetRow RunFleet(const EmbeddedFile& file, const Catalog& catalog) {
  FleetRow row{
      Scenario::Parse(std::string(file.content), std::string(file.path), {}, catalog), {}, 0, std::nullopt};
  const Scenario& s = row.scenario;
  const Estimator estimator(s.model, s.cluster, s.training);
  const SearchResult found = SearchPlans(estimator, s.model, s.cluster, s.training, PlanConstraints{}, 1);
  row.plans_evaluated = found.evaluated;
  if (!found.best.empty()) {
    row.result = estimator.Evaluate(found.best.front().plan);
  } else {
    row.result = estimator.Evaluate(found.smallest->plan);
  }
  row.cost = EvaluateRunCost(s, row.result);
  return row;
}

}  // namespace

Command AddDemoCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("demo", "the main job: Llama 3 405B on four ~16k-accelerator fleets, compared");
  auto options = std::make_shared<CommonOptions>();
  AddCommonOptions(*cmd, *options, /*with_set=*/false);
  AddCatalogOverlayOption(*cmd, *options);
  auto run = [options](std::ostream& out) {
    const std::shared_ptr<const Catalog> catalog = options->LoadCatalog();
    std::vector<FleetRow> rows;
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path.starts_with("data/demo/")) rows.push_back(RunFleet(f, *catalog));
    }
    if (options->Format() == OutputFormat::kJson) {
      nlohmann::json fleets = nlohmann::json::array();
      for (const FleetRow& r : rows) {
        nlohmann::json j = StepResultJson(r.scenario, r.result);
        j["plans_evaluated"] = r.plans_evaluated;
        const RunCost& c = *r.cost;
        j["pue"] = c.datacenter.pue;
        j["electricity_usd_per_kwh"] = c.datacenter.UsdPerKwh();
        j["it_power_w"] = c.it_power.Total().value();
        j["facility_power_w"] = c.facility_power.value();
        j["facility_peak_power_w"] = c.facility_peak.value();
        j["energy_j"] = c.energy.facility.value();
        j["cost_basis"] = std::string(CostBasisName(c.basis));
        j["cost_usd"] = c.cost ? nlohmann::json(c.CostUsd().value()) : nlohmann::json();
        j["usd_per_million_tokens"] =
            c.usd_per_million_tokens ? nlohmann::json(*c.usd_per_million_tokens) : nlohmann::json();
        fleets.push_back(j);
      }
      out << nlohmann::json{{"workload", "llama3-405b, 15.6T tokens, seq 8192, 2048 sequences per step"},
                            {"fleets", fleets}}
                 .dump(2)
          << "\n";
      return 0;
    }
    Table t(
        {"fleet", "chips", "best plan", "step", "MFU", "TFLOP/s/chip", "mem/chip", "tokens/s", "days to train"});
    for (const FleetRow& r : rows) {
      const StepResult& x = r.result;
      t.AddRow({r.scenario.name, std::to_string(r.scenario.cluster.count), x.plan.Describe(),
                FormatDuration(x.step_time), fmt::format("{:.1f}%", 100 * x.mfu),
                fmt::format("{:.0f}", x.model_tflops_per_device),
                fmt::format("{:.0f}/{:.0f} GB", x.memory.Total().value() / 1e9, x.capacity.value() / 1e9),
                fmt::format("{:.3g}M", x.tokens_per_s / 1e6),
                x.time_to_train ? fmt::format("{:.1f}", x.time_to_train->value() / 86400.0) : "-"});
    }
    if (options->Format() == OutputFormat::kCsv) {
      out << t.RenderCsv();
      return 0;
    }
    out << "fleetsim demo: Llama 3 405B pretraining, 15.6T tokens, 8K context, 2,048 sequences (16.8M tokens) per "
           "step, bf16\n";
    out << "Each fleet runs the fastest plan that fits in memory, found by `fleetsim search`.\n\n";
    out << t.RenderText();
    // Issue 9: a fleet whose chip has no calibration run of its own says whose parameters it borrows.
    for (const FleetRow& r : rows) {
      if (const std::string note = UncalibratedNote(r.scenario.cluster.accelerator); !note.empty()) {
        out << note << "\n";
      }
    }

    Table money({"fleet", "PUE", "PUE from", "$/kWh", "facility MW", "energy GWh", "cost basis", "run cost",
                 "$/M tokens"});
    for (const FleetRow& r : rows) {
      const RunCost& c = *r.cost;
      money.AddRow({r.scenario.name, fmt::format("{:.2f}", c.datacenter.pue), c.datacenter.pue_basis,
                    fmt::format("{:.4f}", c.datacenter.UsdPerKwh()),
                    fmt::format("{:.1f}", c.facility_peak.value() / 1e6),
                    fmt::format("{:.1f}", c.energy.facility.value() / 3.6e12), std::string(CostBasisName(c.basis)),
                    c.cost ? fmt::format("${:.1f}M", c.CostUsd().value() / 1e6) : "-",
                    c.usd_per_million_tokens ? fmt::format("${:.3f}", *c.usd_per_million_tokens) : "-"});
    }
    out << "\nEnergy and money of the whole run (facility MW at full load; `fleetsim cost <scenario>` shows every "
           "input; cost basis: owned = capex and opex at list prices, cloud = public price per chip-hour, unknown "
           "= "
           "no public price):\n\n";
    out << money.RenderText();
    out << "\nPlans: tp/pp/dp/cp = tensor/pipeline/data/context parallel, vpp = interleaved stages, mb = "
           "micro-batch, then recomputation and ZeRO stage.\n"
           "Scenarios: data/demo/*.yaml. Details of one fleet: fleetsim estimate <scenario.yaml>.\n";
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
