// `fleetsim demo` (and `fleetsim` alone): the built-in comparison of one flagship workload, Llama 3 405B
// pretraining on 15.6T tokens, across fleets of about 16,000 accelerators. Each fleet gets the best plan that
// plan search finds; the scenarios are data/demo/*.yaml, compiled into the binary.
#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/cli/command.h"
#include "fleetsim/compare/comparison.h"
#include "fleetsim/compare/comparison_report.h"
#include "fleetsim/cost/run_cost.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/serve/serve_run.h"

namespace fleetsim {
namespace {

nlohmann::json Num(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// One training fleet: its figures on the owned basis (plan, step, failures, power) and its run priced both ways.
struct FleetRow {
  ScenarioFigures figures;
  RunCost owned;
  RunCost rented;
  const Scenario& scenario() const { return figures.scenario; }
  const StepResult& result() const { return *figures.step; }
};

FleetRow RunFleet(const EmbeddedFile& file, const Catalog& catalog) {
  const Scenario s = Scenario::Parse(std::string(file.content), std::string(file.path), {}, catalog);
  FleetRow row{EvaluateFigures(OnBasis(s, CostBasis::kOwned), std::string(file.content)), {}, {}};
  row.owned = *row.figures.cost;
  row.rented = EvaluateRunCost(OnBasis(s, CostBasis::kCloud), *row.figures.step);
  return row;
}

// The serving part: each data/demo-serve/ scenario is one node (or rack) of a fleet serving Llama 3 70B; the
// highest Poisson rate it sustains under the SLO sets how many nodes a target load needs.
constexpr double kServingTargetPerS = 2000.0;

struct ServingRow {
  Scenario scenario;
  ServeResult result;
  double rate_per_node = 0;         // requests/s under the SLO
  int64_t nodes = 0;                // for the target load; 0 when no rate meets the SLO
  int64_t devices = 0;              // in those nodes
  double tokens_per_device = 0;     // output tokens/s per device at that rate
  double facility_power_w = 0;      // of those nodes
  std::optional<double> usd_owned;  // per million output tokens
  std::optional<double> usd_rented;
};

ServingRow RunServingFleet(const EmbeddedFile& file, const Catalog& catalog) {
  ServingRow row;
  row.scenario = Scenario::Parse(std::string(file.content), std::string(file.path), {}, catalog);
  row.result = EvaluateServing(OnBasis(row.scenario, CostBasis::kOwned));
  row.usd_owned = row.result.usd_per_million_tokens;
  ServeResult rented = row.result;
  PriceServing(OnBasis(row.scenario, CostBasis::kCloud), rented);
  row.usd_rented = rented.usd_per_million_tokens;
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
          {"usd_per_million_tokens", {{"owned", Num(r.usd_owned)}, {"rented", Num(r.usd_rented)}}},
          {"calibrated", r.scenario.cluster.accelerator.efficiency.calibrated()}};
}

// A run's cost on one basis for JSON: the basis, the cost, $ per million tokens, whether the price is an estimate.
nlohmann::json CostJson(const RunCost& c) {
  const bool estimated = c.capex_per_accelerator && c.capex_per_accelerator->estimated;
  return {{"cost_basis", std::string(CostBasisName(c.basis))},
          {"cost_usd", c.cost ? nlohmann::json(c.CostUsd().value()) : nlohmann::json()},
          {"usd_per_million_tokens", Num(c.usd_per_million_tokens)},
          {"estimated_price", c.basis == CostBasis::kOwned && estimated},
          {"note", c.cost_note}};
}

// "$32.4M", with "*" when the owned price is a published estimate (the chip is not sold).
std::string RunCostCell(const RunCost& c) {
  if (!c.cost) return "-";
  const bool estimated =
      c.basis == CostBasis::kOwned && c.capex_per_accelerator && c.capex_per_accelerator->estimated;
  return fmt::format("${:.1f}M{}", c.CostUsd().value() / 1e6, estimated ? "*" : "");
}

std::string PerMillionCell(std::optional<double> usd, bool estimated) {
  return usd ? fmt::format("${:.3f}{}", *usd, estimated ? "*" : "") : "-";
}

// The demo's own charts for the HTML report: the run priced both ways, and the serving fleets.
std::vector<ChartSpec> DemoCharts(const std::vector<FleetRow>& rows, const std::vector<ServingRow>& serving) {
  std::vector<ChartSpec> charts;
  ChartSpec bases;
  bases.title = "Cost of the run, owned and rented";
  bases.y_label = "$ millions";
  bases.caption =
      "Each fleet on both bases: owned (capex and running costs; chips that are not sold at published "
      "estimates) and rented (public price per accelerator-hour).";
  ChartSeries owned{"owned", {}}, rented{"rented", {}};
  for (const FleetRow& r : rows) {
    bases.labels.push_back(r.scenario().name);
    owned.values.push_back(r.owned.cost ? std::optional<double>(r.owned.CostUsd().value() / 1e6) : std::nullopt);
    rented.values.push_back(r.rented.cost ? std::optional<double>(r.rented.CostUsd().value() / 1e6)
                                          : std::nullopt);
  }
  bases.series = {owned, rented};
  charts.push_back(bases);

  ChartSpec nodes;
  nodes.title = "Serving Llama 3 70B at 2,000 requests/s: accelerators needed";
  nodes.y_label = "accelerators";
  nodes.caption = "Whole nodes at each node's highest Poisson rate under the SLO (p99 TTFT 2 s, p99 TPOT 200 ms).";
  ChartSpec price;
  price.title = "Serving Llama 3 70B: $ per million output tokens";
  price.y_label = "$ per million output tokens";
  price.caption = "At the rate under the SLO, on both cost bases.";
  ChartSeries devices{"accelerators", {}}, serve_owned{"owned", {}}, serve_rented{"rented", {}};
  for (const ServingRow& r : serving) {
    nodes.labels.push_back(r.scenario.name);
    price.labels.push_back(r.scenario.name);
    devices.values.push_back(r.nodes > 0 ? std::optional<double>(static_cast<double>(r.devices)) : std::nullopt);
    serve_owned.values.push_back(r.usd_owned);
    serve_rented.values.push_back(r.usd_rented);
  }
  nodes.series = {devices};
  price.series = {serve_owned, serve_rented};
  charts.push_back(nodes);
  charts.push_back(price);
  return charts;
}

}  // namespace

Command AddDemoCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("demo", "the main job: Llama 3 405B on four ~16k-accelerator fleets, compared");
  auto options = std::make_shared<CommonOptions>();
  auto basis = std::make_shared<std::string>("both");
  auto html = std::make_shared<std::string>();
  AddCommonOptions(*cmd, *options, /*with_set=*/false);
  AddCatalogOverlayOption(*cmd, *options);
  cmd->add_option("--basis", *basis,
                  "cost basis of the money columns: owned, rented, or both side by side (never mixed in a column)")
      ->check(CLI::IsMember({"owned", "rented", "both"}))
      ->default_str("both");
  cmd->add_option("--html", *html, "also write a self-contained HTML report with charts to this file");
  auto run = [options, basis, html](std::ostream& out) {
    const std::shared_ptr<const Catalog> catalog = options->LoadCatalog();
    std::vector<FleetRow> rows;
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path.starts_with("data/demo/")) rows.push_back(RunFleet(f, *catalog));
    }
    std::vector<ServingRow> serving;
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path.starts_with("data/demo-serve/")) serving.push_back(RunServingFleet(f, *catalog));
    }
    const bool show_owned = *basis != "rented";
    const bool show_rented = *basis != "owned";
    if (!html->empty()) {
      std::vector<ScenarioFigures> figures;
      for (const FleetRow& r : rows) figures.push_back(r.figures);
      const Comparison c = Compare(std::move(figures), "owned (the rented basis is charted beside it)");
      WriteOutputFile(*html, ComparisonHtml(c, "fleetsim demo: Llama 3 405B on four fleets",
                                            {"Llama 3 405B pretraining (15.6T tokens, 8K context, 2,048 sequences "
                                             "per step, bf16) on about 16,000 accelerators of each fleet, each "
                                             "with the fastest plan that fits (fleetsim search); then Llama 3 70B "
                                             "served at 2,000 requests/s."},
                                            DemoCharts(rows, serving)));
    }
    if (options->Format() == OutputFormat::kJson) {
      nlohmann::json fleets = nlohmann::json::array();
      for (const FleetRow& r : rows) {
        nlohmann::json j = StepResultJson(r.scenario(), r.result());
        const RunCost& c = r.owned;
        j["pue"] = c.datacenter.pue;
        j["electricity_usd_per_kwh"] = c.datacenter.UsdPerKwh();
        j["it_power_w"] = c.it_power.Total().value();
        j["facility_power_w"] = c.facility_power.value();
        j["facility_peak_power_w"] = c.facility_peak.value();
        j["energy_j"] = c.energy.facility.value();
        if (r.figures.reliability) {
          j["time_to_train_with_failures_s"] = r.figures.reliability->elapsed_s.mean;
          j["ettr"] = r.figures.reliability->ettr.mean;
        }
        j["cost"] = {{"owned", CostJson(r.owned)}, {"rented", CostJson(r.rented)}};
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
    Table t({"fleet", "chips", "best plan", "step", "MFU", "TFLOP/s/chip", "mem/chip", "tokens/s", "days to train",
             "with failures"});
    for (const FleetRow& r : rows) {
      const StepResult& x = r.result();
      const Scenario& s = r.scenario();
      t.AddRow(
          {s.name, std::to_string(s.cluster.count), x.plan.Describe(), FormatDuration(x.step_time),
           fmt::format("{:.1f}%", 100 * x.mfu), fmt::format("{:.0f}", x.model_tflops_per_device),
           fmt::format("{:.0f}/{:.0f} GB", x.memory.Total().value() / 1e9, x.capacity.value() / 1e9),
           fmt::format("{:.3g}M", x.tokens_per_s / 1e6),
           x.time_to_train ? fmt::format("{:.1f}", x.time_to_train->value() / 86400.0) : "-",
           r.figures.reliability ? fmt::format("{:.1f}", r.figures.reliability->elapsed_s.mean / 86400.0) : "-"});
    }
    if (options->Format() == OutputFormat::kCsv) {
      out << t.RenderCsv();
      return 0;
    }
    out << "fleetsim demo: Llama 3 405B pretraining, 15.6T tokens, 8K context, 2,048 sequences (16.8M tokens) per "
           "step, bf16\n";
    out << "Each fleet runs the fastest plan that fits in memory, found by `fleetsim search`; \"with failures\": "
           "fleetsim reliability's default failure rates and checkpoint-restart.\n\n";
    out << t.RenderText();
    // Issue 9: a fleet whose chip has no calibration run of its own says whose parameters it borrows.
    for (const FleetRow& r : rows) {
      if (const std::string note = UncalibratedNote(r.scenario().cluster.accelerator); !note.empty()) {
        out << note << "\n";
      }
    }

    std::vector<std::string> money_headers = {"fleet", "PUE", "PUE from", "$/kWh", "facility MW", "energy GWh"};
    if (show_owned) money_headers.insert(money_headers.end(), {"owned: run cost", "$/M tokens"});
    if (show_rented) money_headers.insert(money_headers.end(), {"rented: run cost", "$/M tokens"});
    Table money(money_headers);
    for (const FleetRow& r : rows) {
      const RunCost& c = r.owned;
      std::vector<std::string> cells = {r.scenario().name,
                                        fmt::format("{:.2f}", c.datacenter.pue),
                                        c.datacenter.pue_basis,
                                        fmt::format("{:.4f}", c.datacenter.UsdPerKwh()),
                                        fmt::format("{:.1f}", c.facility_peak.value() / 1e6),
                                        fmt::format("{:.1f}", c.energy.facility.value() / 3.6e12)};
      const bool estimated = c.capex_per_accelerator && c.capex_per_accelerator->estimated;
      if (show_owned) {
        cells.insert(cells.end(), {RunCostCell(c), PerMillionCell(c.usd_per_million_tokens, estimated)});
      }
      if (show_rented) {
        cells.insert(cells.end(), {RunCostCell(r.rented), PerMillionCell(r.rented.usd_per_million_tokens, false)});
      }
      money.AddRow(cells);
    }
    out << "\nEnergy and money of the whole run (facility MW at full load; `fleetsim cost <scenario>` shows every "
           "input). Owned: capex and running costs, at list prices or, marked *, at a published estimate for a "
           "chip that is not sold; rented: the public price per accelerator-hour (data/datacenter.yaml). "
           "`--basis owned|rented` shows one; `fleetsim compare` puts any scenarios on one basis:\n\n";
    out << money.RenderText();
    std::vector<std::string> serve_headers = {
        "serving fleet (one node)", "copy",       "req/s per node", "nodes for 2,000/s", "chips",
        "out tok/s/chip",           "facility MW"};
    if (show_owned) serve_headers.push_back("owned: $/M out tokens");
    if (show_rented) serve_headers.push_back("rented: $/M out tokens");
    Table serve(serve_headers);
    for (const ServingRow& r : serving) {
      const Accelerator& a = r.scenario.cluster.accelerator;
      std::vector<std::string> cells = {
          r.scenario.name,
          fmt::format("tp{} {}", r.scenario.serving->tp, PrecisionName(r.scenario.serving->precision)),
          fmt::format("{:.1f}", r.rate_per_node),
          r.nodes > 0 ? std::to_string(r.nodes) : "SLO not met",
          r.nodes > 0 ? std::to_string(r.devices) : "-",
          fmt::format("{:.0f}", r.tokens_per_device),
          r.nodes > 0 ? fmt::format("{:.2f}", r.facility_power_w / 1e6) : "-"};
      if (show_owned) cells.push_back(PerMillionCell(r.usd_owned, !a.list_price && a.estimated_price));
      if (show_rented) cells.push_back(PerMillionCell(r.usd_rented, false));
      serve.AddRow(cells);
    }
    out << "\nServing Llama 3 70B at 2,000 requests/s (MLPerf Llama 2 70B request mix; SLO p99 TTFT 2 s, p99 TPOT "
           "200 ms): each node's highest Poisson rate under the SLO (`load: max-under-slo`), the nodes that load "
           "needs, their facility power and the cost per million output tokens on each basis (as above) "
           "(data/demo-serve/*.yaml; `fleetsim serve <scenario>` for one):\n\n";
    out << serve.RenderText();
    for (const ServingRow& r : serving) {
      if (!r.scenario.cluster.accelerator.efficiency.calibrated()) {
        const ServingSpec& sv = *r.scenario.serving;
        // A serving stack fitted on the accelerator's own published runs fixes its GEMMs at least.
        const std::string own = sv.gemm_efficiency
                                    ? fmt::format(", but for its GEMMs ({:.0f}% of peak, the {} stack's)",
                                                  *sv.gemm_efficiency * 100.0, sv.stack)
                                    : "";
        out << fmt::format("uncalibrated for serving: {} borrows {}'s figures{}\n",
                           r.scenario.cluster.accelerator.id, r.scenario.cluster.accelerator.efficiency.relative,
                           own);
      }
    }
    out << "\nPlans: tp/pp/dp/cp = tensor/pipeline/data/context parallel, vpp = interleaved stages, mb = "
           "micro-batch, then recomputation and ZeRO stage.\n"
           "Scenarios: data/demo/*.yaml. Details of one fleet: fleetsim estimate <scenario.yaml>; side by side: "
           "fleetsim compare data/demo/*.yaml [--basis rented] [--html report.html].\n";
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
