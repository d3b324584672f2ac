#include "fleetsim/report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  const unsigned char c = static_cast<unsigned char>(s.front());
  return std::isdigit(c) || ((c == '-' || c == '+' || c == '.' || c == '$') && s.size() > 1);
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  FLEETSIM_CHECK(cells.size() == headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::AddRule() { rows_.emplace_back(); }

std::string Table::RenderText() const {
  std::vector<size_t> width(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) width[i] = headers_[i].size();
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto rule = [&] {
    std::string line;
    for (size_t i = 0; i < width.size(); ++i)
      line += std::string(width[i], '-') + (i + 1 < width.size() ? "  " : "");
    return line + "\n";
  };
  auto render = [&](const std::vector<std::string>& cells, bool header) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t pad = width[i] - cells[i].size();
      const bool right = !header && i > 0 && LooksNumeric(cells[i]);
      line += right ? std::string(pad, ' ') + cells[i]
                    : cells[i] + (i + 1 < cells.size() ? std::string(pad, ' ') : "");
      if (i + 1 < cells.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = render(headers_, true) + rule();
  for (const auto& row : rows_) out += row.empty() ? rule() : render(row, false);
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Table::RenderCsv() const {
  auto render = [](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + CsvField(cells[i]);
    return line + "\n";
  };
  std::string out = render(headers_);
  for (const auto& row : rows_) {
    if (!row.empty()) out += render(row);
  }
  return out;
}

std::string FormatFixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) >= 1e12) return fmt::format("{:.3e}", v);
  return fmt::format("{:.{}f}", v, decimals);
}

std::string FormatSignificant(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e12 || a < 1e-4)) return fmt::format("{:.{}e}", v, digits - 1);
  const int magnitude = a == 0 ? 0 : static_cast<int>(std::floor(std::log10(a)));
  return FormatFixed(v, std::max(0, digits - 1 - magnitude));
}

}  // namespace fleetsim
