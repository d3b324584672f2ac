// Table: rows of already-formatted cells, rendered as an aligned text table for terminals or as CSV. Numbers are
// right-aligned, text left-aligned; the caller formats values so every output format shows the same digits.
#pragma once

#include <string>
#include <vector>

namespace fleetsim {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  void AddRow(std::vector<std::string> cells);
  // A separator line in text output (ignored in CSV).
  void AddRule();
  size_t rows() const { return rows_.size(); }

  std::string RenderText() const;
  std::string RenderCsv() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a rule
};

// Quotes a CSV field when it holds a comma, quote or newline.
std::string CsvField(const std::string& s);

// A number for a cell: fixed with `decimals` places while it has at most 12 digits before the point, else in
// scientific notation ("1.23e+15"), so a huge value stays readable; "-" for a value that is not finite.
std::string FormatFixed(double v, int decimals);
// A number with `digits` significant digits: plain where that is short, scientific at 1e12 and above or below
// 1e-4; "-" for a value that is not finite.
std::string FormatSignificant(double v, int digits);

}  // namespace fleetsim
