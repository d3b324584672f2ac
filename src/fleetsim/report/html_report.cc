#include "fleetsim/report/html_report.h"

#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "fleetsim/core/error.h"
#include "fleetsim/report/report_assets.h"
#include "fleetsim/report/table.h"

namespace fleetsim {
namespace {

constexpr const char* kChartLibrary = "chart.js/chart.min.js";

// Readable on a phone (one column, tables scroll sideways) and in print (no chart split across pages).
constexpr const char* kStyle = R"css(
:root { --ink: #1d2733; --muted: #5b6876; --rule: #d5dbe1; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { color: var(--muted); font-size: .9rem; margin-bottom: .5rem; }
.chart { position: relative; height: 20rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .85rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: .2rem .6rem; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--band); }
pre { background: var(--band); padding: .75rem; overflow-x: auto; font-size: .8rem; }
ul { padding-left: 1.2rem; }
@media (max-width: 40rem) { body { padding: .5rem; } .chart { height: 16rem; } }
@media print { body { max-width: none; } .chart { height: 16rem; } pre { white-space: pre-wrap; } }
)css";

// Draws every chart, then marks the page for tests: how many canvases hold pixels, and any script error.
constexpr const char* kDrawScript = R"js(
(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.setAttribute('data-script-errors', errors.join(' | '));
  });
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                 '#bcbd22', '#17becf'];
  var specs = JSON.parse(document.getElementById('fleetsim-charts').textContent);
  var drawn = 0;
  specs.forEach(function (spec, i) {
    try {
      var canvas = document.getElementById('chart-' + i);
      var datasets = spec.series.map(function (s, j) {
        var color = palette[j % palette.length];
        return { label: s.label, data: s.values, backgroundColor: color, borderColor: color,
                 spanGaps: true, tension: 0 };
      });
      var chart = new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: datasets.length > 1 } },
          scales: {
            x: { stacked: spec.stacked, title: { display: spec.x_label !== '', text: spec.x_label } },
            y: { stacked: spec.stacked, beginAtZero: spec.type === 'bar',
                 title: { display: spec.y_label !== '', text: spec.y_label } }
          }
        }
      });
      chart.draw();
      var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (var k = 3; k < px.length; k += 4) {
        if (px[k] !== 0) { drawn++; break; }
      }
    } catch (e) {
      errors.push(String(e));
      document.body.setAttribute('data-script-errors', errors.join(' | '));
    }
  });
  document.body.setAttribute('data-charts-rendered', String(drawn));
})();
)js";

std::string TableHtml(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::string html = "<div class=\"scroll\"><table><thead><tr>";
  for (const std::string& h : headers) html += "<th>" + HtmlEscape(h) + "</th>";
  html += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    html += "<tr>";
    for (const std::string& cell : row) html += "<td>" + HtmlEscape(cell) + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody></table></div>\n";
}

// The library's text, or an InternalError when the build did not embed it.
const std::string_view& ChartLibrary() {
  for (const EmbeddedFile& f : EmbeddedReportAssets()) {
    if (f.path == kChartLibrary) return f.content;
  }
  throw InternalError(
      fmt::format("{} is not embedded in the library (libjs-chart.js at build time)", kChartLibrary));
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HtmlReport::HtmlReport(std::string title) : title_(std::move(title)) {}

void HtmlReport::AddHeading(const std::string& text) { body_ += "<h2>" + HtmlEscape(text) + "</h2>\n"; }

void HtmlReport::AddParagraph(const std::string& text) { body_ += "<p>" + HtmlEscape(text) + "</p>\n"; }

void HtmlReport::AddList(const std::vector<std::string>& items) {
  body_ += "<ul>\n";
  for (const std::string& item : items) body_ += "<li>" + HtmlEscape(item) + "</li>\n";
  body_ += "</ul>\n";
}

void HtmlReport::AddTable(const std::vector<std::string>& headers,
                          const std::vector<std::vector<std::string>>& rows) {
  body_ += TableHtml(headers, rows);
}

void HtmlReport::AddPreformatted(const std::string& caption, const std::string& text) {
  body_ +=
      "<figure><figcaption>" + HtmlEscape(caption) + "</figcaption><pre>" + HtmlEscape(text) + "</pre></figure>\n";
}

void HtmlReport::AddChart(ChartSpec chart) {
  const size_t i = charts_.size();
  std::string html = fmt::format("<figure><h3>{}</h3>", HtmlEscape(chart.title));
  if (!chart.caption.empty()) html += "<figcaption>" + HtmlEscape(chart.caption) + "</figcaption>";
  html +=
      fmt::format("<div class=\"chart\"><canvas id=\"chart-{}\" role=\"img\" aria-label=\"{}\"></canvas></div>", i,
                  HtmlEscape(chart.title));
  std::vector<std::string> headers = {chart.x_label.empty() ? "" : chart.x_label};
  for (const ChartSeries& s : chart.series) headers.push_back(s.label);
  std::vector<std::vector<std::string>> rows;
  for (size_t x = 0; x < chart.labels.size(); ++x) {
    std::vector<std::string> row = {chart.labels[x]};
    for (const ChartSeries& s : chart.series) {
      row.push_back(x < s.values.size() && s.values[x] ? FormatSignificant(*s.values[x], chart.table_digits)
                                                       : "-");
    }
    rows.push_back(row);
  }
  html += TableHtml(headers, rows) + "</figure>\n";
  body_ += html;
  charts_.push_back(std::move(chart));
}

std::string HtmlReport::Render() const {
  nlohmann::json specs = nlohmann::json::array();
  for (const ChartSpec& c : charts_) {
    nlohmann::json series = nlohmann::json::array();
    for (const ChartSeries& s : c.series) {
      nlohmann::json values = nlohmann::json::array();
      for (const std::optional<double>& v : s.values) {
        values.push_back(v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json());
      }
      series.push_back({{"label", s.label}, {"values", values}});
    }
    specs.push_back({{"type", c.type},
                     {"labels", c.labels},
                     {"series", series},
                     {"stacked", c.stacked},
                     {"x_label", c.x_label},
                     {"y_label", c.y_label}});
  }
  // Inside <script>, "</" could end the element early; JSON allows "<\/" for it.
  std::string data = specs.dump();
  for (size_t pos = 0; (pos = data.find("</", pos)) != std::string::npos; pos += 3) data.replace(pos, 2, "<\\/");
  std::string library(ChartLibrary());
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + HtmlEscape(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  html += "<h1>" + HtmlEscape(title_) + "</h1>\n" + body_;
  html += "<script id=\"fleetsim-charts\" type=\"application/json\">" + data + "</script>\n";
  html += "<script>\n" + library + "\n</script>\n<script>" + kDrawScript + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace fleetsim
