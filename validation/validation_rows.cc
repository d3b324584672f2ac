#include "validation_rows.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fleetsim::validation {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += c;
    }
  }
  out.push_back(cell);
  return out;
}

std::vector<TrainingRow> ReadTrainingRows(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = SplitCsvLine(line);
  std::vector<TrainingRow> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = SplitCsvLine(line);
    TrainingRow row;
    for (size_t i = 0; i < header.size(); ++i) row.cells[header[i]] = i < cells.size() ? cells[i] : "";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RowScenarioYaml(const TrainingRow& r) {
  std::string y =
      fmt::format("name: {}\ncluster:\n  accelerator: {}\n  count: {}\n", r["case"], r["accelerator"], r["count"]);
  y += "model:\n";
  for (const char* key :
       {"layers", "hidden", "heads", "kv_heads", "ffn_hidden", "head_dim", "parallel_block", "ffn", "vocab"}) {
    if (!r[key].empty()) y += fmt::format("  {}: {}\n", key, r[key]);
  }
  y += "training:\n";
  for (const char* key :
       {"seq_len", "global_batch", "micro_batch", "precision", "sequence_parallel", "recompute", "zero"}) {
    if (!r[key].empty()) y += fmt::format("  {}: {}\n", key, r[key]);
  }
  y += "  parallelism:\n";
  for (const char* key : {"tp", "pp", "dp", "cp", "vpp"}) {
    if (!r[key].empty()) y += fmt::format("    {}: {}\n", key, r[key]);
  }
  return y;
}

}  // namespace fleetsim::validation
