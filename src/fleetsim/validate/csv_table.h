// CsvTable: a small CSV file (a validation case list, a user's --cases file) parsed into its header and rows, each
// row keeping its line number so that an error points at the line the user wrote. A double-quoted cell may hold
// commas ("" inside quotes is one quote); blank lines are skipped; a row with more cells than the header is an
// InputError, one with fewer has blank trailing cells.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

struct CsvRow {
  int line = 0;                    // 1-based line in the file
  std::vector<std::string> cells;  // one per header column
};

struct CsvTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Parses CSV text; `file` names it in messages. An empty text (no header) is an InputError.
  static CsvTable Parse(const std::string& text, const std::string& file);
  // Index of a header column, or -1.
  int Column(std::string_view name) const;
};

// One CSV line as cells; commas inside double quotes belong to the cell (the quotes are dropped).
std::vector<std::string> SplitCsvLine(const std::string& line);

}  // namespace fleetsim
