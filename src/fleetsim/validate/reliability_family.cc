#include "fleetsim/validate/reliability_family.h"

#include <fmt/format.h>

#include <map>

#include "fleetsim/core/error.h"
#include "fleetsim/reliability/failure_catalog.h"
#include "fleetsim/reliability/reliability_inputs.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/embedded_validation.h"

namespace fleetsim {
namespace {

// The Llama 3 405B run: 16,384 H100 in 2,048 hosts for 54 days, checkpoint-restart (Llama 3 section 3.3.4).
const char* kLlama3 = R"(
name: llama3-405b-16k
cluster: {accelerator: h100, count: 16384, node: hgx-h100, fabric: roce-400-clos}
model: llama3-405b
training: {seq_len: 8192, global_batch: 2048, parallelism: {tp: 8, pp: 16, dp: 128}}
reliability: {duration: "54d", trials: 2000, seed: 1, policies: [checkpoint-restart]}
)";

// MegaScale (NSDI'24): more than 10,000 Ampere GPUs for several weeks.
const char* kMegaScale = R"(
name: megascale-12k
cluster: {accelerator: a100, count: 12288}
model: gpt3-175b
training: {seq_len: 2048, global_batch: 6144, parallelism: {tp: 8, pp: 8, dp: 192}}
reliability: {duration: "21d", trials: 500, seed: 1}
)";

struct Run {
  Scenario scenario;
  ReliabilityResult result;
};

Run RunScenario(const char* text, const Catalog& catalog) {
  Scenario s = Scenario::Parse(text, "validation", {}, catalog);
  ReliabilityResult r =
      ReliabilityModel(*s.reliability, MakeReliabilityInputs(s, *s.reliability, std::nullopt)).Run();
  return {std::move(s), std::move(r)};
}

double CauseMean(const ReliabilityResult& r, const std::vector<std::string>& ids) {
  double sum = 0.0;
  for (const CauseResult& c : r.by_cause) {
    for (const std::string& id : ids) sum += c.id == id ? c.mean : 0.0;
  }
  return sum;
}

}  // namespace

const std::vector<std::pair<std::string, std::vector<std::string>>>& Llama3CauseRows() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> rows = {
      {"llama3-faulty-gpu", {"faulty-gpu"}},       {"llama3-hbm3", {"gpu-hbm"}},
      {"llama3-software", {"software"}},           {"llama3-network", {"network", "leaf-switch"}},
      {"llama3-host-maint", {"host-maintenance"}}, {"llama3-sram", {"gpu-sram"}},
      {"llama3-gsp", {"gpu-system-processor"}},    {"llama3-nic", {"nic"}},
      {"llama3-nccl-watchdog", {"nccl-watchdog"}}, {"llama3-sdc", {"silent-data-corruption"}},
      {"llama3-thermal", {"gpu-thermal"}},         {"llama3-host-other", {"storage", "host-other"}},
  };
  return rows;
}

ReliabilityValidation RunReliabilityValidation(const Catalog& catalog) {
  const CsvTable table =
      CsvTable::Parse(EmbeddedValidationFile("validation/reliability.csv"), "validation/reliability.csv");
  const int id_col = table.Column("case"), source_col = table.Column("source"),
            metric_col = table.Column("metric");
  const int value_col = table.Column("value");
  FLEETSIM_CHECK(id_col >= 0 && source_col >= 0 && metric_col >= 0 && value_col >= 0);
  std::map<std::string, const CsvRow*> by_id;
  for (const CsvRow& r : table.rows) by_id[r.cells[id_col]] = &r;
  auto csv = [&](const std::string& id) -> const CsvRow& {
    auto it = by_id.find(id);
    if (it == by_id.end()) throw InternalError("validation/reliability.csv has no row " + id);
    return *it->second;
  };

  const Run llama3 = RunScenario(kLlama3, catalog);
  const Run megascale = RunScenario(kMegaScale, catalog);
  ReliabilityValidation out;
  out.llama3 = llama3.result;
  out.megascale = megascale.result;
  FamilyReport& report = out.report;
  report.family = "reliability";
  report.title = "interruptions and effective training time (failure model, seeded Monte Carlo)";

  auto add = [&](const std::string& id, const std::string& unit, double predicted, Role role, std::string detail) {
    const CsvRow& r = csv(id);
    ValidationRow row;
    row.id = id;
    row.source = r.cells[source_col];
    row.metric = r.cells[metric_col];
    row.unit = unit;
    row.published = PublishedFigure::Parse(r.cells[value_col]);
    row.predicted = predicted;
    row.role = role;
    row.detail = std::move(detail);
    report.rows.push_back(std::move(row));
    return report.rows.back().published;
  };

  const ReliabilityResult& l = llama3.result;
  const double total = l.unexpected_interruptions.mean;
  const PublishedFigure published_total =
      add("llama3-unexpected", "interruptions", total, Role::kCheck,
          fmt::format("p5 {:.0f}, p95 {:.0f} over {} trials", l.unexpected_interruptions.p5,
                      l.unexpected_interruptions.p95, l.trials));
  for (const auto& [id, causes] : Llama3CauseRows()) {
    const double model = CauseMean(l, causes);
    const double published = PublishedFigure::Parse(csv(id).cells[value_col]).value.value_or(0);
    add(id, "interruptions", model, Role::kCalibration,
        fmt::format("share: published {:.1f}%, model {:.1f}%", 100 * published / published_total.value.value_or(1),
                    100 * model / total));
  }
  add("llama3-ettr", "fraction", l.ettr.mean, Role::kCheck,
      fmt::format("checkpoint-restart; p5 {:.3f}, p95 {:.3f}", l.ettr.p5, l.ettr.p95));
  {
    // MTTI is not a row of its own: the paper's run length over its unexpected interruptions.
    const double hours = llama3.scenario.reliability->duration->value() / 3600;
    ValidationRow row;
    row.id = "llama3-mtti";
    row.source = "derived: run length / llama3-unexpected";
    row.metric = "mean_time_to_interruption";
    row.unit = "h";
    row.published = PublishedFigure::Point(hours / published_total.value.value_or(1));
    row.published.text = fmt::format("{:.2f}", *row.published.value);
    row.predicted = l.mtti_s / 3600;
    row.role = Role::kCheck;
    row.detail = fmt::format("run of {:.0f} h", hours);
    report.rows.push_back(std::move(row));
  }
  const ReliabilityResult& m = megascale.result;
  add("megascale-ettr", "fraction", m.ettr.mean, Role::kCheck,
      fmt::format("A100 x 12,288, 21 d; {:.0f} interruptions", m.unexpected_interruptions.mean));
  {
    ValidationRow row;
    row.id = "megascale-restarts";
    row.source = csv("megascale-ettr").cells[source_col];
    row.metric = "unexpected_interruptions";
    row.unit = "interruptions";
    row.published = PublishedFigure::Parse(">100");  // "over 100 restarts over several weeks" (the row's notes)
    row.predicted = m.unexpected_interruptions.mean;
    row.role = Role::kCheck;
    row.detail = "A100 x 12,288, 21 d";
    report.rows.push_back(std::move(row));
  }
  const FailureClass* network = FailureCatalog::BuiltIn().Find("network");
  FLEETSIM_CHECK(network != nullptr);
  add("alibaba-links", "per month", network->rate_per_unit_hour * 730.0, Role::kCheck,
      "network class (Llama 3 calibration, per 400G port) x 730 h; the sources count different things");
  report.Summarize();
  return out;
}

FamilyReport ValidateReliability(const Catalog& catalog) { return RunReliabilityValidation(catalog).report; }

}  // namespace fleetsim
