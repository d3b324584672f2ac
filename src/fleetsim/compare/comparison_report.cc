#include "fleetsim/compare/comparison_report.h"

#include <fmt/format.h>

#include <functional>
#include <optional>

#include "fleetsim/cost/cost_model.h"
#include "fleetsim/energy/datacenter_defaults.h"
#include "fleetsim/report/html_report.h"

namespace fleetsim {
namespace {

using Value = std::function<std::optional<double>(const ScenarioFigures&)>;

std::string Name(const ScenarioFigures& f) { return f.scenario.name.empty() ? f.scenario.file : f.scenario.name; }

std::vector<std::string> Names(const Comparison& c) {
  std::vector<std::string> names;
  for (const ScenarioFigures& f : c.scenarios) names.push_back(Name(f));
  return names;
}

ChartSeries Series(const Comparison& c, std::string label, const Value& value) {
  ChartSeries s{std::move(label), {}};
  for (const ScenarioFigures& f : c.scenarios) s.values.push_back(value(f));
  return s;
}

// A chart's title, y axis and caption; the rest is filled by the caller.
ChartSpec Chart(std::string title, std::string y_label, std::string caption = "") {
  ChartSpec chart;
  chart.title = std::move(title);
  chart.y_label = std::move(y_label);
  chart.caption = std::move(caption);
  return chart;
}

bool AnyValue(const std::vector<ChartSeries>& series) {
  for (const ChartSeries& s : series) {
    for (const std::optional<double>& v : s.values) {
      if (v) return true;
    }
  }
  return false;
}

// A bar chart over the scenarios, added when any scenario has a value.
void AddBars(HtmlReport& r, const Comparison& c, ChartSpec chart, std::vector<ChartSeries> series) {
  if (!AnyValue(series)) return;
  chart.labels = Names(c);
  chart.series = std::move(series);
  r.AddChart(std::move(chart));
}

void AddStepBreakdown(HtmlReport& r, const Comparison& c) {
  using Part = std::pair<const char*, Seconds StepBreakdown::*>;
  const Part parts[] = {{"compute", &StepBreakdown::compute},
                        {"tensor-parallel comm", &StepBreakdown::tp_comm},
                        {"context-parallel comm", &StepBreakdown::cp_comm},
                        {"expert all-to-all", &StepBreakdown::ep_comm},
                        {"pipeline sends", &StepBreakdown::pp_comm},
                        {"pipeline bubble", &StepBreakdown::pp_bubble},
                        {"data-parallel comm", &StepBreakdown::dp_comm},
                        {"optimizer", &StepBreakdown::optimizer},
                        {"waiting for the slowest", &StepBreakdown::sync_wait}};
  std::vector<ChartSeries> series;
  for (const auto& [label, member] : parts) {
    ChartSeries s = Series(c, label, [member](const ScenarioFigures& f) -> std::optional<double> {
      if (!f.step) return std::nullopt;
      return (f.step->breakdown.*member).value();
    });
    bool nonzero = false;
    for (const auto& v : s.values) nonzero = nonzero || (v && *v > 0);
    if (nonzero) series.push_back(std::move(s));
  }
  ChartSpec chart = Chart("Step time and where it goes", "seconds per step",
                          "Exposed time per training step of the busiest device, by kind (fleetsim estimate).");
  chart.stacked = true;
  AddBars(r, c, std::move(chart), std::move(series));
}

void AddGoodputCurve(HtmlReport& r, const Comparison& c) {
  const std::vector<std::string> factors = {"1/16", "1/4", "1", "4"};
  const double scale[] = {1.0 / 16, 1.0 / 4, 1.0, 4.0};
  std::vector<ChartSeries> series;
  for (const ScenarioFigures& f : c.scenarios) {
    if (f.goodput_by_size.empty()) continue;
    ChartSeries s{Name(f), std::vector<std::optional<double>>(factors.size())};
    for (const GoodputPoint& p : f.goodput_by_size) {
      const double ratio = static_cast<double>(p.accelerators) / static_cast<double>(f.scenario.cluster.count);
      for (size_t i = 0; i < factors.size(); ++i) {
        if (std::abs(ratio / scale[i] - 1.0) < 0.5) s.values[i] = 100.0 * p.ettr;
      }
    }
    series.push_back(std::move(s));
  }
  if (series.empty()) return;
  ChartSpec chart =
      Chart("Goodput against fleet size", "effective training time ratio (%)",
            "The same job on 1/16 to 4 times as many accelerators (whole scale-up domains): failures, "
            "detection, restarts and checkpoints take a larger share as the fleet grows (fleetsim "
            "reliability, 200 trials per point).");
  chart.type = "line";
  chart.x_label = "fleet size, times the scenario's";
  chart.labels = factors;
  chart.series = std::move(series);
  r.AddChart(std::move(chart));
}

void AddRentalCurve(HtmlReport& r, const Comparison& c) {
  std::vector<std::string> prices;
  for (double p : RentalCurvePrices()) prices.push_back(fmt::format("{:.2f}", p));
  std::vector<ChartSeries> series;
  for (const ScenarioFigures& f : c.scenarios) {
    if (f.rental_npv.empty()) continue;
    ChartSeries s{Name(f), {}};
    for (const RentalPoint& p : f.rental_npv) s.values.push_back(p.npv_usd / 1e3);
    series.push_back(std::move(s));
  }
  if (series.empty()) return;
  ChartSpec chart =
      Chart("Renting the hardware out: NPV against price", "NPV per accelerator ($ thousands)",
            "Net present value of buying one accelerator (at the owned capex) and renting it out over "
            "its life at the scenario's utilization and cost of capital; above zero the price pays.");
  chart.type = "line";
  chart.x_label = "rent ($ per accelerator-hour)";
  chart.labels = prices;
  chart.series = std::move(series);
  r.AddChart(std::move(chart));
}

// The catalog sources behind one scenario's figures: the chip's, and the price's.
std::vector<std::string> Sources(const ScenarioFigures& f) {
  std::vector<std::string> lines;
  const Accelerator& a = f.scenario.cluster.accelerator;
  for (const auto& [key, source] : a.sources) lines.push_back(fmt::format("{} {}: {}", a.id, key, source));
  const DatacenterDefaults& d = DatacenterDefaults::BuiltIn();
  if (f.cost && f.cost->basis == CostBasis::kCloud) {
    std::string source = d.Source("cloud_prices." + a.id);
    if (source.empty()) source = d.Source("cloud_prices");
    lines.push_back(fmt::format("{} rent price: {}", a.id, source));
  }
  return lines;
}

}  // namespace

std::string ComparisonHtml(const Comparison& c, const std::string& title, const std::vector<std::string>& intro,
                           std::vector<ChartSpec> extra) {
  HtmlReport r(title);
  for (const std::string& p : intro) r.AddParagraph(p);
  r.AddParagraph(fmt::format("Cost basis: {}. Every fleet is priced on it.", c.basis));

  r.AddHeading("Figures side by side");
  std::vector<std::string> headers = {"figure", "unit"};
  for (const std::string& n : Names(c)) headers.push_back(n);
  std::vector<std::vector<std::string>> rows;
  for (const FigureRow& row : c.rows) {
    std::vector<std::string> cells = {row.label, row.unit};
    for (size_t i = 0; i < c.scenarios.size(); ++i) {
      if (!row.text.empty()) {
        cells.push_back(row.text[i]);
      } else {
        cells.push_back(row.values[i] ? fmt::format("{:.4g}", *row.values[i] * row.scale) : "-");
      }
    }
    rows.push_back(cells);
  }
  r.AddTable(headers, rows);

  r.AddHeading("Charts");
  AddBars(r, c, Chart("Time to train", "days", "Without failures, and with failures and recovery."),
          {Series(c, "no failures",
                  [](const ScenarioFigures& f) -> std::optional<double> {
                    if (!f.step || !f.step->time_to_train) return std::nullopt;
                    return f.step->time_to_train->value() / 86400;
                  }),
           Series(c, "with failures", [](const ScenarioFigures& f) -> std::optional<double> {
             if (!f.reliability) return std::nullopt;
             return f.reliability->elapsed_s.mean / 86400;
           })});
  AddStepBreakdown(r, c);
  AddBars(r, c, Chart("Model FLOPs utilization", "MFU (%)"),
          {Series(c, "MFU", [](const ScenarioFigures& f) -> std::optional<double> {
            if (!f.step) return std::nullopt;
            return 100 * f.step->mfu;
          })});
  AddGoodputCurve(r, c);
  AddBars(r, c,
          Chart("Facility power", "MW at full load", "IT power at TDP times the site's PUE (training fleets)."),
          {Series(c, "facility MW", [](const ScenarioFigures& f) -> std::optional<double> {
            if (!f.cost) return std::nullopt;
            return f.cost->facility_peak.value() / 1e6;
          })});
  AddBars(r, c, Chart("Cost of the run", "$ millions", "On the report's one cost basis."),
          {Series(c, "cost of the run", [](const ScenarioFigures& f) -> std::optional<double> {
            if (!f.cost || !f.cost->cost) return std::nullopt;
            return f.cost->CostUsd().value() / 1e6;
          })});
  AddBars(r, c, Chart("Cost per million tokens", "$ per million tokens"),
          {Series(c, "training",
                  [](const ScenarioFigures& f) -> std::optional<double> {
                    if (!f.cost) return std::nullopt;
                    return f.cost->usd_per_million_tokens;
                  }),
           Series(c, "serving (output tokens)", [](const ScenarioFigures& f) -> std::optional<double> {
             if (!f.serving) return std::nullopt;
             return f.serving->usd_per_million_tokens;
           })});
  AddRentalCurve(r, c);
  AddBars(r, c, Chart("Serving throughput per accelerator", "output tokens/s per accelerator"),
          {Series(c, "output tokens/s", [](const ScenarioFigures& f) -> std::optional<double> {
            if (!f.serving) return std::nullopt;
            return f.serving->metrics.output_tokens_per_s / static_cast<double>(f.scenario.cluster.count);
          })});

  for (ChartSpec& chart : extra) r.AddChart(std::move(chart));

  r.AddHeading("Notes");
  r.AddList(ComparisonNotes(c));

  r.AddHeading("Inputs");
  for (const ScenarioFigures& f : c.scenarios) {
    std::string caption = fmt::format("{} ({})", Name(f), f.scenario.file);
    if (f.step) caption += "; plan chosen: " + f.step->plan.Describe();
    r.AddPreformatted(caption, f.text);
  }

  r.AddHeading("Sources of the catalog figures used");
  for (const ScenarioFigures& f : c.scenarios) r.AddList(Sources(f));
  return r.Render();
}

}  // namespace fleetsim
