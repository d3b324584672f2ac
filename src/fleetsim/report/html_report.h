// HtmlReport: one self-contained HTML file (styles, scripts, data and the chart library inline; nothing fetched)
// of headings, paragraphs, tables, preformatted inputs and charts. Charts are drawn by Chart.js, embedded at
// build time from Debian's libjs-chart.js; every chart is followed by its numbers in a table, so the report reads
// without scripts and in print. After drawing, the page sets `data-charts-rendered` on <body> to the number of
// charts that put pixels on their canvas, and `data-script-errors` to any script error, for headless tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fleetsim {

struct ChartSeries {
  std::string label;
  std::vector<std::optional<double>> values;  // one per x label; absent: no point
};

struct ChartSpec {
  std::string title;
  std::string type = "bar";  // bar | line
  std::string x_label;
  std::string y_label;
  std::vector<std::string> labels;  // x categories (or numbers as text, for line charts)
  std::vector<ChartSeries> series;
  bool stacked = false;
  int table_digits = 4;  // significant digits in the data table
  std::string caption;   // a sentence under the title
};

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);

  void AddHeading(const std::string& text);
  void AddParagraph(const std::string& text);
  void AddList(const std::vector<std::string>& items);
  void AddTable(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows);
  void AddPreformatted(const std::string& caption, const std::string& text);
  void AddChart(ChartSpec chart);

  size_t charts() const { return charts_.size(); }
  std::string Render() const;

 private:
  std::string title_;
  std::string body_;
  std::vector<ChartSpec> charts_;
};

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace fleetsim
