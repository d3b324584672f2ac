#include "fleetsim/validate/inference_family.h"

#include <fmt/format.h>

#include <map>

#include "fleetsim/core/error.h"
#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/request_presets.h"
#include "fleetsim/serve/serve_run.h"
#include "fleetsim/validate/embedded_validation.h"

namespace fleetsim {
namespace {

constexpr const char* kFile = "validation/inference.csv";

std::string Cell(const CsvTable& t, const CsvRow& r, const char* name) {
  const int c = t.Column(name);
  if (c < 0) throw InputError(t.file, 1, fmt::format("inference cases need a `{}` column", name));
  return r.cells[static_cast<size_t>(c)];
}

// `input_tokens` / `output_tokens`: a request preset id (its length distribution) or a fixed count.
std::string Lengths(const std::string& input, const std::string& output) {
  if (FindRequestPreset(input)) return fmt::format("  preset: {}\n", input);
  return fmt::format("  input_tokens: {}\n  output_tokens: {}\n", input, output);
}

}  // namespace

std::string InferenceCaseYaml(const CsvTable& t, const CsvRow& r) {
  auto cell = [&](const char* name) { return Cell(t, r, name); };
  std::string serving = fmt::format("  precision: {}\n  replica: {{tp: {}}}\n  scheduler: {}\n", cell("precision"),
                                    cell("tp"), cell("scheduler"));
  if (!cell("kv_precision").empty()) serving += fmt::format("  kv_precision: {}\n", cell("kv_precision"));
  if (!cell("stack").empty()) serving += fmt::format("  stack: {}\n", cell("stack"));
  if (!cell("max_batch").empty()) serving += fmt::format("  max_batch: {}\n", cell("max_batch"));
  if (!cell("max_tokens").empty()) serving += fmt::format("  max_tokens: {}\n", cell("max_tokens"));
  if (!cell("kv_cache_length").empty())
    serving += fmt::format("  kv_cache: {{length: {}}}\n", cell("kv_cache_length"));
  std::string workload = Lengths(cell("input_tokens"), cell("output_tokens"));
  workload += fmt::format("  requests: {}\n", cell("requests"));
  const std::string load = cell("load");
  if (load == "offline") {
    workload += "  arrival: offline\n";
  } else if (load == "poisson") {
    workload += fmt::format("  arrival: poisson\n  rate: \"{}\"\n", cell("rate"));
  } else if (load == "max-under-slo") {
    workload += "  load: max-under-slo\n";
  } else {
    throw InputError(t.file, r.line, fmt::format("load '{}': offline, poisson or max-under-slo", load));
  }
  if (!cell("min_duration").empty()) workload += fmt::format("  min_duration: {}\n", cell("min_duration"));
  if (!cell("ttft_slo").empty() || !cell("tpot_slo").empty()) {
    workload += fmt::format("  slo: {{ttft_p99: \"{}\", tpot_p99: \"{}\"}}\n", cell("ttft_slo"), cell("tpot_slo"));
  }
  return fmt::format("name: {}\ncluster: {{accelerator: {}, count: {}}}\nmodel: {}\nserving:\n{}workload:\n{}",
                     cell("case"), cell("accelerator"), cell("count"), cell("model"), serving, workload);
}

FamilyReport ValidateInference() {
  const CsvTable t = CsvTable::Parse(EmbeddedValidationFile(kFile), kFile);
  FamilyReport report;
  report.family = "inference";
  report.title = "LLM serving throughput and latency (fleetsim serve) against published runs";
  // A Server run's throughput and its p99s are rows of one scenario: it runs once.
  std::map<std::string, ServeResult> runs;
  for (const CsvRow& r : t.rows) {
    auto cell = [&](const char* name) { return Cell(t, r, name); };
    if (!cell("skip").empty()) {
      report.notes.push_back(
          fmt::format("skipped {} ({} {}): {}", cell("case"), cell("metric"), cell("published"), cell("skip")));
      continue;
    }
    const std::string yaml = InferenceCaseYaml(t, r);
    const Scenario s = Scenario::Parse(yaml, fmt::format("{}:{}", kFile, r.line));
    const std::string key = yaml.substr(yaml.find('\n') + 1);  // all but the case's name
    auto run = runs.find(key);
    if (run == runs.end()) run = runs.emplace(key, EvaluateServing(s)).first;
    const ServeResult& result = run->second;
    const ServeMetrics& m = result.metrics;
    ValidationRow row;
    row.id = cell("case");
    row.source = cell("source");
    row.metric = cell("metric");
    row.published = PublishedFigure::Parse(cell("published"));
    // Under arriving load (a Poisson rate, or the highest rate that meets the SLO) the p99 a Server run reports.
    const bool at_load = cell("load") != "offline";
    if (row.metric == "tokens_per_s_total") {
      row.unit = "tokens/s";
      row.predicted = m.output_tokens_per_s;
    } else if (row.metric == "tokens_per_s_per_device") {
      row.unit = "tokens/s";
      row.predicted = m.output_tokens_per_s / static_cast<double>(s.cluster.count);
    } else if (row.metric == "ttft_s") {
      // A lone request (batch 1, offline) has one TTFT.
      row.unit = "s";
      row.predicted = at_load ? m.ttft_s.p99 : m.ttft_s.p50;
    } else if (row.metric == "tpot_s") {
      row.unit = "s";
      row.predicted = at_load ? m.tpot_s.p99 : m.tpot_s.p50;
    } else {
      throw InputError(t.file, r.line, fmt::format("unknown inference metric '{}'", row.metric));
    }
    row.role = cell("role") == "calibration" ? Role::kCalibration : Role::kCheck;
    row.detail = fmt::format("{} x {}, {} copies of tp {}, {} {}, stack {}, {}", s.cluster.count,
                             s.cluster.accelerator.id, result.run.replicas, s.serving->tp, cell("scheduler"),
                             cell("precision"), s.serving->stack, cell("load"));
    if (result.max_rate_under_slo_per_s) {
      row.detail += fmt::format(" {:.1f}/s (p99 TTFT {:.2f} s, TPOT {:.0f} ms)", *result.max_rate_under_slo_per_s,
                                m.ttft_s.p99, m.tpot_s.p99 * 1e3);
    }
    if (!cell("assumptions").empty()) row.detail += "; " + cell("assumptions");
    report.rows.push_back(std::move(row));
  }
  report.Summarize();
  return report;
}

}  // namespace fleetsim
