#include "fleetsim/validate/training_cases.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"
#include "fleetsim/core/suggest.h"
#include "fleetsim/validate/csv_table.h"
#include "fleetsim/validate/embedded_validation.h"

namespace fleetsim {
namespace {

// clang-format off
const std::vector<CaseColumn> kColumns = {
    {"case", CellKind::kText, true, "an id for the run, unique in the file"},
    {"source", CellKind::kText, false, "where the figure comes from"},
    {"flag", CellKind::kText, false, "V verified, D derived, S secondary source"},
    {"accelerator", CellKind::kText, true, "catalog accelerator id (fleetsim catalog chips)"},
    {"count", CellKind::kCount, true, "accelerators in the job"},
    {"node", CellKind::kText, false, "cluster.node: catalog node id (default: the accelerator's)"},
    {"fabric", CellKind::kText, false, "cluster.fabric: catalog fabric id (default: the node's)"},
    {"model", CellKind::kText, false, "catalog model id; dimension columns override it"},
    {"layers", CellKind::kCount, false, "model.layers"},
    {"hidden", CellKind::kCount, false, "model.hidden"},
    {"heads", CellKind::kCount, false, "model.heads"},
    {"kv_heads", CellKind::kCount, false, "model.kv_heads"},
    {"ffn_hidden", CellKind::kCount, false, "model.ffn_hidden"},
    {"head_dim", CellKind::kCount, false, "model.head_dim"},
    {"parallel_block", CellKind::kBool, false, "model.parallel_block: true or false"},
    {"ffn", CellKind::kText, false, "model.ffn: swiglu or gelu"},
    {"vocab", CellKind::kCount, false, "model.vocab"},
    {"experts", CellKind::kNonNegative, false, "model.moe.experts"},
    {"top_k", CellKind::kNonNegative, false, "model.moe.top_k"},
    {"expert_ffn_hidden", CellKind::kNonNegative, false, "model.moe.expert_ffn_hidden"},
    {"shared_experts", CellKind::kNonNegative, false, "model.moe.shared_experts"},
    {"dense_layers", CellKind::kNonNegative, false, "model.moe.dense_layers"},
    {"seq_len", CellKind::kCount, false, "training.seq_len"},
    {"global_batch", CellKind::kCount, false, "training.global_batch (sequences per step)"},
    {"micro_batch", CellKind::kCountOrAuto, false, "training.micro_batch, or auto"},
    {"tp", CellKind::kCount, false, "training.parallelism.tp"},
    {"pp", CellKind::kCount, false, "training.parallelism.pp"},
    {"dp", CellKind::kCount, false, "training.parallelism.dp"},
    {"cp", CellKind::kCount, false, "training.parallelism.cp"},
    {"ep", CellKind::kCount, false, "training.parallelism.ep"},
    {"vpp", CellKind::kCountOrAuto, false, "training.parallelism.vpp, or auto"},
    {"sequence_parallel", CellKind::kBool, false, "training.sequence_parallel: true or false"},
    {"recompute", CellKind::kText, false, "training.recompute: none, selective, full or auto"},
    {"zero", CellKind::kNonNegative, false, "training.zero: 0..3"},
    {"precision", CellKind::kText, false, "training.precision"},
    {"stack", CellKind::kText, false, "training.stack: catalog software stack id"},
    {"metric", CellKind::kText, true, "what `value` measures (see TrainingMetrics)"},
    {"value", CellKind::kNumber, true, "the measured value, > 0"},
    {"notes", CellKind::kText, false, "free text"},
};
// clang-format on

const std::vector<std::string> kMetrics = {"hw_tflops_per_device", "model_tflops_per_device",
                                           "tokens_per_s_per_device", "step_time_s"};

bool IsCount(const std::string& s, bool allow_zero) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return allow_zero || std::strtoll(s.c_str(), nullptr, 10) > 0;
}

std::optional<double> Number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

void CheckCell(const CaseColumn& col, const std::string& cell, const std::string& file, int line) {
  auto fail = [&](const char* allowed) {
    throw InputError(file, line, fmt::format("column '{}': '{}' is not allowed; {}", col.name, cell, allowed));
  };
  switch (col.kind) {
    case CellKind::kText:
      return;
    case CellKind::kCount:
      if (!IsCount(cell, false)) fail("a positive integer is allowed");
      return;
    case CellKind::kCountOrAuto:
      if (cell != "auto" && !IsCount(cell, false)) fail("a positive integer or auto is allowed");
      return;
    case CellKind::kNonNegative:
      if (!IsCount(cell, true)) fail("an integer >= 0 is allowed");
      return;
    case CellKind::kBool:
      if (cell != "true" && cell != "false") fail("true or false is allowed");
      return;
    case CellKind::kNumber: {
      const auto v = Number(cell);
      if (!v || *v <= 0) fail("a number > 0 is allowed");
      return;
    }
  }
}

// A YAML double-quoted scalar, so any case id is a valid scenario name.
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> ColumnNames() {
  std::vector<std::string> names;
  for (const CaseColumn& c : kColumns) names.emplace_back(c.name);
  return names;
}

// A measured value no run could produce (a TFLOP/s rate above the chip's highest peak, a step of a week) is a
// typo or a unit slip, and fitting to it would only move the parameters to their bounds: refuse it.
void CheckPlausible(const TrainingCase& c, const Accelerator& acc) {
  const std::string& metric = c["metric"];
  double lo = 0.0, hi = 0.0;
  std::string unit;
  if (metric == "hw_tflops_per_device" || metric == "model_tflops_per_device") {
    double top = acc.peak_bf16.value();
    for (Precision p : {Precision::kFp8, Precision::kInt8, Precision::kFp4})
      top = std::max(top, acc.Peak(p).value());
    lo = 0.001 * acc.peak_bf16.value() / 1e12;
    hi = top / 1e12;
    unit = fmt::format("TFLOP/s (0.1% of {}'s bf16 peak to its highest peak)", acc.id);
  } else if (metric == "step_time_s") {
    lo = 1e-3;
    hi = 86400.0;
    unit = "s";
  } else {
    lo = 1e-3;
    hi = 1e7;
    unit = "tokens/s per device";
  }
  if (!(c.value >= lo && c.value <= hi)) {
    throw InputError(c.file, c.line,
                     fmt::format("column 'value': {:g} is not a plausible {}; allowed {:.4g} to {:.4g} {}",
                                 c.value, metric, lo, hi, unit));
  }
}

}  // namespace

const std::string& TrainingCase::operator[](const std::string& column) const {
  static const std::string kBlank;
  auto it = cells.find(column);
  return it == cells.end() ? kBlank : it->second;
}

const std::vector<CaseColumn>& TrainingCaseColumns() { return kColumns; }
const std::vector<std::string>& TrainingMetrics() { return kMetrics; }

std::vector<TrainingCase> ReadTrainingCases(const std::string& text, const std::string& file,
                                            const Catalog& catalog) {
  const CsvTable table = CsvTable::Parse(text, file);
  std::vector<const CaseColumn*> columns;
  std::set<std::string> seen_columns;
  for (const std::string& name : table.header) {
    const CaseColumn* col = nullptr;
    for (const CaseColumn& c : kColumns) {
      if (name == c.name) col = &c;
    }
    if (!col) {
      throw InputError(file, 1,
                       fmt::format("unknown column '{}'{}; the columns are: {}", name,
                                   DidYouMean(name, ColumnNames()), JoinList(ColumnNames())));
    }
    if (!seen_columns.insert(name).second) throw InputError(file, 1, fmt::format("column '{}' repeated", name));
    columns.push_back(col);
  }
  for (const CaseColumn& c : kColumns) {
    if (c.required && !seen_columns.count(c.name)) {
      throw InputError(file, 1,
                       fmt::format("missing column '{}' ({}); every cases file needs case, accelerator, count, "
                                   "metric and value",
                                   c.name, c.help));
    }
  }

  std::vector<TrainingCase> cases;
  std::map<std::string, int> first_line;
  for (const CsvRow& row : table.rows) {
    TrainingCase c;
    c.file = file;
    c.line = row.line;
    for (size_t i = 0; i < columns.size(); ++i) {
      const CaseColumn& col = *columns[i];
      const std::string& cell = row.cells[i];
      if (cell.empty()) {
        if (col.required) {
          throw InputError(file, row.line, fmt::format("column '{}' is blank; it needs {}", col.name, col.help));
        }
        continue;
      }
      CheckCell(col, cell, file, row.line);
      c.cells[col.name] = cell;
    }
    if (auto [it, fresh] = first_line.emplace(c.id(), row.line); !fresh) {
      throw InputError(file, row.line, fmt::format("case '{}' repeated (first at line {})", c.id(), it->second));
    }
    if (!catalog.FindAccelerator(c["accelerator"])) {
      throw InputError(file, row.line,
                       fmt::format("column 'accelerator': '{}' is not an accelerator id{}; the ids are listed by "
                                   "`fleetsim catalog chips`",
                                   c["accelerator"], DidYouMean(c["accelerator"], catalog.AcceleratorIds())));
    }
    if (!c["model"].empty() && !catalog.FindModel(c["model"])) {
      throw InputError(file, row.line,
                       fmt::format("column 'model': '{}' is not a model id{}; the ids are listed by `fleetsim "
                                   "catalog models`",
                                   c["model"], DidYouMean(c["model"], catalog.ModelIds())));
    }
    bool known_metric = false;
    for (const std::string& m : kMetrics) known_metric = known_metric || m == c["metric"];
    if (!known_metric) {
      throw InputError(file, row.line,
                       fmt::format("column 'metric': '{}' is not allowed{}; one of: {}", c["metric"],
                                   DidYouMean(c["metric"], kMetrics), JoinList(kMetrics)));
    }
    c.value = *Number(c["value"]);
    CheckPlausible(c, *catalog.FindAccelerator(c["accelerator"]));
    cases.push_back(std::move(c));
  }
  if (cases.empty()) {
    throw InputError(file, 1, "the file holds a header but no case; add one row per measured run");
  }
  return cases;
}

std::vector<TrainingCase> LoadTrainingCases(const std::string& path, const Catalog& catalog) {
  return ReadTrainingCases(ReadInputFile(path, "cases file"), path, catalog);
}

std::vector<TrainingCase> BuiltInTrainingCases(const Catalog& catalog) {
  const std::string path = "validation/training.csv";
  return ReadTrainingCases(EmbeddedValidationFile(path), path, catalog);
}

std::string CaseScenarioYaml(const TrainingCase& c) {
  auto emit = [&](std::string& y, const char* indent, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      if (!c[key].empty()) y += fmt::format("{}{}: {}\n", indent, key, c[key]);
    }
  };
  auto any = [&](std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      if (!c[key].empty()) return true;
    }
    return false;
  };
  std::string y = fmt::format("name: {}\ncluster:\n  accelerator: {}\n  count: {}\n", Quoted(c.id()),
                              c["accelerator"], c["count"]);
  emit(y, "  ", {"node", "fabric"});
  y += "model:\n";
  if (!c["model"].empty()) y += fmt::format("  preset: {}\n", c["model"]);
  emit(y, "  ",
       {"layers", "hidden", "heads", "kv_heads", "ffn_hidden", "head_dim", "parallel_block", "ffn", "vocab"});
  if (any({"experts", "top_k", "expert_ffn_hidden", "shared_experts", "dense_layers"})) {
    y += "  moe:\n";
    emit(y, "    ", {"experts", "top_k", "expert_ffn_hidden", "shared_experts", "dense_layers"});
  }
  y += "training:\n";
  emit(y, "  ",
       {"seq_len", "global_batch", "micro_batch", "precision", "sequence_parallel", "recompute", "zero", "stack"});
  if (any({"tp", "pp", "dp", "cp", "ep", "vpp"})) {
    y += "  parallelism:\n";
    emit(y, "    ", {"tp", "pp", "dp", "cp", "ep", "vpp"});
  }
  return y;
}

Scenario CaseScenario(const TrainingCase& c, const Catalog& catalog) {
  // A case without a `stack` cell runs on the stack its source names (a stack's `match` phrases, e.g. an MLPerf
  // log's "ngc24.09" container tag), else on its accelerator's default stack.
  std::vector<Override> overrides;
  if (c["stack"].empty()) {
    if (const StackSpec* named = catalog.StackNamedIn(c["source"] + " " + c["notes"])) {
      overrides.push_back({"training.stack", named->id});
    }
  }
  try {
    return Scenario::Parse(CaseScenarioYaml(c), c.id() + ".yaml", overrides, catalog);
  } catch (const InputError& e) {
    throw InputError(c.file, c.line, fmt::format("case '{}': {}", c.id(), e.message()));
  }
}

double PredictMetric(const std::string& metric, const Scenario& s, const StepResult& r) {
  const double devices = static_cast<double>(s.cluster.count);
  if (metric == "hw_tflops_per_device")
    return r.hfu * s.cluster.accelerator.Peak(s.training.precision).value() / 1e12;
  if (metric == "step_time_s") return r.step_time.value();
  if (metric == "tokens_per_s_per_device") return r.tokens_per_s / devices;
  if (metric == "model_tflops_per_device") return r.model_tflops_per_device;
  throw InternalError("unknown training metric " + metric);
}

std::string MetricUnit(const std::string& metric) {
  if (metric == "step_time_s") return "s";
  if (metric == "tokens_per_s_per_device") return "tokens/s";
  return "TFLOP/s";
}

}  // namespace fleetsim
