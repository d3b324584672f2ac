#include "fleetsim/compare/comparison.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>

#include <nlohmann/json.hpp>

#include "fleetsim/cost/cost_model.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/serve/serve_run.h"

namespace fleetsim {
namespace {

using Getter = std::function<std::optional<double>(const ScenarioFigures&)>;

void AddNumber(Comparison& c, std::string key, std::string label, std::string unit, const Getter& get,
               int digits = 3, double scale = 1.0, bool ratio = true) {
  FigureRow row{std::move(key), std::move(label), std::move(unit), {}, {}, digits, scale, ratio};
  bool any = false;
  for (const ScenarioFigures& f : c.scenarios) {
    std::optional<double> v = get(f);
    if (v && !std::isfinite(*v)) v.reset();
    any = any || v.has_value();
    row.values.push_back(v);
  }
  if (any) c.rows.push_back(std::move(row));
}

void AddText(Comparison& c, std::string key, std::string label,
             const std::function<std::string(const ScenarioFigures&)>& get) {
  FigureRow row{std::move(key), std::move(label), "", {}, {}, 0, 1.0, false};
  bool any = false;
  for (const ScenarioFigures& f : c.scenarios) {
    row.text.push_back(get(f));
    any = any || !row.text.back().empty();
  }
  if (any) c.rows.push_back(std::move(row));
}

std::optional<double> Opt(bool present, double v) { return present ? std::optional<double>(v) : std::nullopt; }

std::string Header(const ScenarioFigures& f) {
  return f.scenario.name.empty() ? f.scenario.file : f.scenario.name;
}

}  // namespace

Comparison Compare(std::vector<ScenarioFigures> scenarios, std::string basis) {
  Comparison c{std::move(basis), std::move(scenarios), {}};
  AddText(c, "accelerator", "accelerator", [](const ScenarioFigures& f) {
    return fmt::format("{} x {}", f.scenario.cluster.count, f.scenario.cluster.accelerator.id);
  });
  AddText(c, "plan", "plan", [](const ScenarioFigures& f) { return f.step ? f.step->plan.Describe() : ""; });
  AddNumber(c, "step_time_s", "step time", "s", [](const ScenarioFigures& f) {
    return Opt(f.step.has_value(), f.step ? f.step->step_time.value() : 0);
  });
  AddNumber(
      c, "mfu", "MFU", "%",
      [](const ScenarioFigures& f) { return Opt(f.step.has_value(), f.step ? f.step->mfu : 0); }, 3, 100.0);
  AddNumber(c, "tokens_per_s", "training tokens/s", "tokens/s",
            [](const ScenarioFigures& f) { return Opt(f.step.has_value(), f.step ? f.step->tokens_per_s : 0); });
  AddNumber(
      c, "time_to_train_s", "time to train, no failures", "days",
      [](const ScenarioFigures& f) {
        return Opt(f.step && f.step->time_to_train,
                   f.step && f.step->time_to_train ? f.step->time_to_train->value() : 0);
      },
      3, 1.0 / 86400);
  AddNumber(
      c, "time_to_train_with_failures_s", "time to train, with failures", "days",
      [](const ScenarioFigures& f) {
        return Opt(f.reliability.has_value(), f.reliability ? f.reliability->elapsed_s.mean : 0);
      },
      3, 1.0 / 86400);
  AddNumber(
      c, "goodput", "goodput (ETTR)", "%",
      [](const ScenarioFigures& f) {
        return Opt(f.reliability.has_value(), f.reliability ? f.reliability->ettr.mean : 0);
      },
      3, 100.0);
  AddNumber(
      c, "mtti_s", "mean time to interruption", "h",
      [](const ScenarioFigures& f) {
        return Opt(f.reliability.has_value(), f.reliability ? f.reliability->mtti_s : 0);
      },
      3, 1.0 / 3600);
  AddNumber(
      c, "facility_peak_power_w", "facility power at full load", "MW",
      [](const ScenarioFigures& f) { return Opt(f.cost.has_value(), f.cost ? f.cost->facility_peak.value() : 0); },
      3, 1e-6);
  AddNumber(
      c, "energy_j", "energy of the run", "GWh",
      [](const ScenarioFigures& f) {
        return Opt(f.cost.has_value(), f.cost ? f.cost->energy.facility.value() : 0);
      },
      3, 1.0 / 3.6e12);
  AddText(c, "cost_basis", "cost basis", [](const ScenarioFigures& f) {
    if (!f.cost) return std::string();
    const bool estimated = f.cost->basis == CostBasis::kOwned && f.cost->capex_per_accelerator &&
                           f.cost->capex_per_accelerator->estimated;
    return fmt::format("{}{}", CostBasisName(f.cost->basis), estimated ? " (estimated price)" : "");
  });
  AddNumber(
      c, "cost_usd", "cost of the run", "$M",
      [](const ScenarioFigures& f) { return Opt(f.cost && f.cost->cost, f.cost ? f.cost->CostUsd().value() : 0); },
      3, 1e-6);
  AddNumber(c, "usd_per_million_tokens", "training $ per million tokens", "$", [](const ScenarioFigures& f) {
    return Opt(f.cost && f.cost->usd_per_million_tokens, f.cost ? f.cost->usd_per_million_tokens.value_or(0) : 0);
  });
  AddNumber(
      c, "rental_npv_usd", "NPV of renting out one accelerator", "$",
      [](const ScenarioFigures& f) {
        return Opt(f.cost && f.cost->rental, f.cost && f.cost->rental ? f.cost->rental->npv_usd : 0);
      },
      3, 1.0, /*ratio=*/false);
  AddNumber(c, "rental_price_usd_per_hour", "at rent", "$/h", [](const ScenarioFigures& f) {
    return Opt(f.cost && f.cost->rental, f.cost ? f.cost->economics.rental.UsdPerHour() : 0);
  });
  AddNumber(c, "serving_output_tokens_per_s", "serving output tokens/s", "tokens/s", [](const ScenarioFigures& f) {
    return Opt(f.serving.has_value(), f.serving ? f.serving->metrics.output_tokens_per_s : 0);
  });
  AddNumber(
      c, "serving_max_rate_under_slo_per_s", "serving requests/s under the SLO", "req/s",
      [](const ScenarioFigures& f) { return f.serving ? f.serving->max_rate_under_slo_per_s : std::nullopt; });
  AddNumber(c, "serving_ttft_p99_s", "serving p99 time to first token", "s", [](const ScenarioFigures& f) {
    return Opt(f.serving.has_value(), f.serving ? f.serving->metrics.ttft_s.p99 : 0);
  });
  AddNumber(
      c, "serving_tpot_p99_s", "serving p99 time per output token", "ms",
      [](const ScenarioFigures& f) {
        return Opt(f.serving.has_value(), f.serving ? f.serving->metrics.tpot_s.p99 : 0);
      },
      3, 1e3);
  AddNumber(
      c, "serving_facility_power_w", "serving facility power", "kW",
      [](const ScenarioFigures& f) {
        return Opt(f.serving.has_value(), f.serving ? f.serving->facility_power_w : 0);
      },
      3, 1e-3);
  AddNumber(c, "serving_usd_per_million_tokens", "serving $ per million output tokens", "$",
            [](const ScenarioFigures& f) { return f.serving ? f.serving->usd_per_million_tokens : std::nullopt; });
  return c;
}

std::string ComparisonText(const Comparison& c) {
  std::vector<std::string> headers = {"figure", "unit"};
  for (size_t i = 0; i < c.scenarios.size(); ++i) {
    headers.push_back(Header(c.scenarios[i]));
    if (i > 0) headers.push_back("vs first");
  }
  Table t(headers);
  for (const FigureRow& r : c.rows) {
    std::vector<std::string> cells = {r.label, r.unit};
    for (size_t i = 0; i < c.scenarios.size(); ++i) {
      if (!r.text.empty()) {
        cells.push_back(r.text[i].empty() ? "-" : r.text[i]);
        if (i > 0) cells.push_back("");
        continue;
      }
      const std::optional<double>& v = r.values[i];
      cells.push_back(v ? FormatSignificant(*v * r.scale, r.digits) : "-");
      if (i > 0) {
        const std::optional<double>& first = r.values[0];
        if (!v || !first) {
          cells.push_back("-");
        } else if (!r.ratio) {
          const double d = (*v - *first) * r.scale;
          cells.push_back((d >= 0 ? "+" : "") + FormatSignificant(d, r.digits));
        } else {
          cells.push_back(*first != 0 ? fmt::format("{:.2f}x", *v / *first) : "-");
        }
      }
    }
    t.AddRow(cells);
  }
  std::string out = fmt::format("cost basis: {}\n\n", c.basis);
  out += t.RenderText();
  for (const std::string& note : ComparisonNotes(c)) out += note + "\n";
  return out;
}

std::string ComparisonCsv(const Comparison& c) {
  std::vector<std::string> headers = {"key", "unit"};
  for (const ScenarioFigures& f : c.scenarios) headers.push_back(f.scenario.file);
  Table t(headers);
  for (const FigureRow& r : c.rows) {
    std::vector<std::string> cells = {r.key, ""};
    for (size_t i = 0; i < c.scenarios.size(); ++i) {
      if (!r.text.empty()) {
        cells.push_back(r.text[i]);
      } else {
        cells.push_back(r.values[i] ? fmt::format("{:.9g}", *r.values[i]) : "");
      }
    }
    t.AddRow(cells);
  }
  return t.RenderCsv();
}

std::string ComparisonJson(const Comparison& c) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (size_t i = 0; i < c.scenarios.size(); ++i) {
    nlohmann::json s = {{"file", c.scenarios[i].scenario.file}, {"name", c.scenarios[i].scenario.name}};
    nlohmann::json vs = nlohmann::json::object();
    for (const FigureRow& r : c.rows) {
      if (!r.text.empty()) {
        s[r.key] = r.text[i];
        continue;
      }
      const std::optional<double>& v = r.values[i];
      s[r.key] = v ? nlohmann::json(*v) : nlohmann::json();
      if (i > 0 && v && r.values[0] && r.ratio && *r.values[0] != 0) vs[r.key] = *v / *r.values[0];
    }
    if (i > 0) s["ratio_to_first"] = vs;
    scenarios.push_back(s);
  }
  return nlohmann::json{{"cost_basis", c.basis}, {"scenarios", scenarios}, {"notes", ComparisonNotes(c)}}.dump(2) +
         "\n";
}

std::vector<std::string> ComparisonNotes(const Comparison& c) {
  std::vector<std::string> notes;
  for (const ScenarioFigures& f : c.scenarios) {
    const std::string name = Header(f);
    if (const std::string n = UncalibratedNote(f.scenario.cluster.accelerator); !n.empty()) {
      notes.push_back(fmt::format("{}: {}", name, n));
    }
    if (f.cost) notes.push_back(fmt::format("{}: {}", name, f.cost->cost_note));
    if (f.serving && !f.cost && !f.serving->cost_note.empty()) {
      notes.push_back(fmt::format("{}: {}", name, f.serving->cost_note));
    }
    if (f.reliability && f.reliability_defaults) {
      notes.push_back(
          fmt::format("{}: failures from fleetsim's default reliability settings (no `reliability:` "
                      "section)",
                      name));
    }
  }
  return notes;
}

}  // namespace fleetsim
