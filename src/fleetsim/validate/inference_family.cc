#include "fleetsim/validate/inference_family.h"

#include <fmt/format.h>

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
    if (!cell("min_duration").empty()) workload += fmt::format("  min_duration: {}\n", cell("min_duration"));
  } else if (load == "poisson") {
    workload += fmt::format("  arrival: poisson\n  rate: \"{}\"\n", cell("rate"));
  } else if (load == "max-under-slo") {
    workload += "  load: max-under-slo\n";
  } else {
    throw InputError(t.file, r.line, fmt::format("load '{}': offline, poisson or max-under-slo", load));
  }
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
  for (const CsvRow& r : t.rows) {
    auto cell = [&](const char* name) { return Cell(t, r, name); };
    if (!cell("skip").empty()) {
      report.notes.push_back(
          fmt::format("skipped {} ({} {}): {}", cell("case"), cell("metric"), cell("published"), cell("skip")));
      continue;
    }
    const Scenario s = Scenario::Parse(InferenceCaseYaml(t, r), fmt::format("{}:{}", kFile, r.line));
    const ServeResult result = EvaluateServing(s);
    const ServeMetrics& m = result.metrics;
    ValidationRow row;
    row.id = cell("case");
    row.source = cell("source");
    row.metric = cell("metric");
    row.published = PublishedFigure::Parse(cell("published"));
    const bool at_load = cell("load") == "poisson";
    if (row.metric == "tokens_per_s_total") {
      row.unit = "tokens/s";
      row.predicted = m.output_tokens_per_s;
    } else if (row.metric == "tokens_per_s_per_device") {
      row.unit = "tokens/s";
      row.predicted = m.output_tokens_per_s / static_cast<double>(s.cluster.count);
    } else if (row.metric == "ttft_s") {
      // Under a Poisson load the p99 a Server run reports; a lone request (batch 1) has one TTFT.
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
