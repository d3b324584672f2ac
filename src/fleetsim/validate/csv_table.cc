#include "fleetsim/validate/csv_table.h"

#include <fmt/format.h>

#include <sstream>

#include "fleetsim/core/error.h"

namespace fleetsim {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
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

CsvTable CsvTable::Parse(const std::string& text, const std::string& file) {
  CsvTable t;
  t.file = file;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // files written on Windows
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    if (!have_header) {
      t.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (cells.size() > t.header.size()) {
      throw InputError(file, number,
                       fmt::format("{} cells, but the header has {} columns (a cell holding a comma must be "
                                   "double-quoted)",
                                   cells.size(), t.header.size()));
    }
    cells.resize(t.header.size());
    t.rows.push_back({number, std::move(cells)});
  }
  if (!have_header) throw InputError(file, 1, "empty file: a CSV file starts with a header line of column names");
  return t;
}

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace fleetsim
