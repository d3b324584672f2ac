// `fleetsim demo` (and `fleetsim` alone): the built-in comparison of one flagship workload, Llama 3 405B
// pretraining on 15.6T tokens, across fleets of about 16,000 accelerators. Each fleet gets the best plan that
// plan search finds; the scenarios are data/demo/*.yaml, compiled into the binary.
#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/cost/run_cost.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/search/plan_search.h"
#include "fleetsim/serve/serve_run.h"

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

// The serving part: each data/demo-serve/ scenario is one node (or rack) of a fleet serving Llama 3 70B; the
// highest Poisson rate it sustains under the SLO sets how many nodes a target load needs.
constexpr double kServingTargetPerS = 2000.0;

struct ServingRow {
  Scenario scenario;
  ServeResult result;
  double rate_per_node = 0;      // requests/s under the SLO
  int64_t nodes = 0;             // for the target load; 0 when no rate meets the SLO
  int64_t devices = 0;           // in those nodes
  double tokens_per_device = 0;  // output tokens/s per device at that rate
  double facility_power_w = 0;   // of those nodes
};

ServingRow RunServingFleet(const EmbeddedFile& file, const Catalog& catalog) {
  ServingRow row{Scenario::Parse(std::string(file.content), std::string(file.path), {}, catalog), {}, 0, 0};
  row.result = EvaluateServing(row.scenario);
  row.rate_per_node = row.result.max_rate_under_slo_per_s.value_or(0.0);
  if (row.rate_per_node > 0) {
    row.nodes = static_cast<int64_t>(std::ceil(kServingTargetPerS / row.rate_per_node));
  }
  row.devices = row.nodes * row.scenario.cluster.count;
  row.tokens_per_device = row.result.metrics.output_tokens_per_s / static_cast<double>(row.scenario.cluster.count);
  row.facility_power_w = row.result.facility_power_w * static_cast<double>(row.nodes);
  return row;
}

nlohmann::json ServingJson(const ServingRow& r) {
  return {{"fleet", r.scenario.name},
          {"accelerator", r.scenario.cluster.accelerator.id},
          {"devices_per_node", r.scenario.cluster.count},
          {"precision", PrecisionName(r.scenario.serving->precision)},
          {"tp", r.scenario.serving->tp},
          {"max_rate_under_slo_per_node_per_s", r.rate_per_node},
          {"target_rate_per_s", kServingTargetPerS},
          {"nodes", r.nodes},
          {"devices", r.devices},
          {"output_tokens_per_s_per_device", r.tokens_per_device},
          {"facility_power_w", r.facility_power_w},
          {"usd_per_million_tokens",
           r.result.usd_per_million_tokens ? nlohmann::json(*r.result.usd_per_million_tokens) : nlohmann::json()},
          {"calibrated", r.scenario.cluster.accelerator.efficiency.calibrated()}};
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
    std::vector<ServingRow> serving;
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path.starts_with("data/demo-serve/")) serving.push_back(RunServingFleet(f, *catalog));
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
      nlohmann::json serve = nlohmann::json::array();
      for (const ServingRow& r : serving) serve.push_back(ServingJson(r));
      out << nlohmann::json{{"workload", "llama3-405b, 15.6T tokens, seq 8192, 2048 sequences per step"},
                            {"fleets", fleets},
                            {"serving_workload",
                             "llama3-70b, MLPerf Llama 2 70B request mix, p99 TTFT 2 s, p99 TPOT 200 ms, 2000 "
                             "requests/s"},
                            {"serving", serve}}
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
    Table serve({"serving fleet (one node)", "copy", "req/s per node", "nodes for 2,000/s", "chips",
                 "out tok/s/chip", "facility MW", "$/M out tokens"});
    for (const ServingRow& r : serving) {
      serve.AddRow({r.scenario.name,
                    fmt::format("tp{} {}", r.scenario.serving->tp, PrecisionName(r.scenario.serving->precision)),
                    fmt::format("{:.1f}", r.rate_per_node), r.nodes > 0 ? std::to_string(r.nodes) : "SLO not met",
                    r.nodes > 0 ? std::to_string(r.devices) : "-", fmt::format("{:.0f}", r.tokens_per_device),
                    r.nodes > 0 ? fmt::format("{:.2f}", r.facility_power_w / 1e6) : "-",
                    r.result.usd_per_million_tokens ? fmt::format("${:.3f}", *r.result.usd_per_million_tokens)
                                                    : "- (no price)"});
    }
    out << "\nServing Llama 3 70B at 2,000 requests/s (MLPerf Llama 2 70B request mix; SLO p99 TTFT 2 s, p99 TPOT "
           "200 ms): each node's highest Poisson rate under the SLO (`load: max-under-slo`), the nodes that load "
           "needs, their facility power and the cost per million output tokens on each chip's cost basis (owned "
           "or cloud, "
           "as above; no price: none in the catalog) "
           "(data/demo-serve/*.yaml; `fleetsim serve <scenario>` for one):\n\n";
    out << serve.RenderText();
    for (const ServingRow& r : serving) {
      if (!r.scenario.cluster.accelerator.efficiency.calibrated()) {
        out << fmt::format("uncalibrated for serving: {} borrows {}'s figures\n",
                           r.scenario.cluster.accelerator.id, r.scenario.cluster.accelerator.efficiency.relative);
      }
    }
    out << "\nPlans: tp/pp/dp/cp = tensor/pipeline/data/context parallel, vpp = interleaved stages, mb = "
           "micro-batch, then recomputation and ZeRO stage.\n"
           "Scenarios: data/demo/*.yaml. Details of one fleet: fleetsim estimate <scenario.yaml>.\n";
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
