// `fleetsim compare A.yaml B.yaml ...`: the figures of several scenarios side by side on one cost basis (owned or
// rented, never mixed), with each one's ratio to the first; table, JSON or CSV, and `--html FILE` for the report
// with charts.
#include <fmt/format.h>

#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/compare/comparison.h"
#include "fleetsim/compare/comparison_report.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/input_file.h"

namespace fleetsim {
namespace {

struct CompareOptions {
  CommonOptions common;
  std::vector<std::string> paths;
  std::string basis = "owned";
  std::string html;
};

int RunCompare(const CompareOptions& o, std::ostream& out) {
  const std::shared_ptr<const Catalog> catalog = o.common.LoadCatalog();
  std::vector<Override> overrides = o.common.Overrides();
  overrides.push_back({"economics.basis", o.basis});
  std::vector<ScenarioFigures> figures;
  for (const std::string& path : o.paths) {
    std::string text = ReadInputFile(path, "scenario file");
    const Scenario s = Scenario::Parse(text, path, overrides, *catalog);
    figures.push_back(EvaluateFigures(s, std::move(text)));
    const ScenarioFigures& f = figures.back();
    if (f.cost && f.cost->basis == CostBasis::kUnknown) {
      throw InputError(path, 1,
                       fmt::format("cannot price '{}' on the {} basis: {}", s.cluster.accelerator.id, o.basis,
                                   f.cost->cost_note));
    }
    if (f.serving && f.serving->metrics.output_tokens_per_s > 0 && !f.serving->usd_per_million_tokens) {
      throw InputError(path, 1,
                       fmt::format("cannot price serving on '{}' on the {} basis: {}", s.cluster.accelerator.id,
                                   o.basis, f.serving->cost_note));
    }
  }
  const Comparison c = Compare(std::move(figures), o.basis);
  if (!o.html.empty()) {
    WriteOutputFile(
        o.html,
        ComparisonHtml(c, "fleetsim compare",
                       {fmt::format("{} scenarios compared: {}.", c.scenarios.size(), fmt::join(o.paths, ", "))}));
  }
  switch (o.common.Format()) {
    case OutputFormat::kJson:
      out << ComparisonJson(c);
      break;
    case OutputFormat::kCsv:
      out << ComparisonCsv(c);
      break;
    case OutputFormat::kTable:
      out << ComparisonText(c);
      break;
  }
  return 0;
}

}  // namespace

Command AddCompareCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("compare", "the figures of several scenarios side by side, on one cost basis");
  auto o = std::make_shared<CompareOptions>();
  cmd->add_option("scenarios", o->paths, "scenario YAML files (the first is the reference)")->required();
  cmd->add_option("--basis", o->basis,
                  "cost basis for every scenario: owned (capex and opex; chips that are not sold at published "
                  "estimates, flagged) or rented (public price per accelerator-hour)")
      ->check(CLI::IsMember({"owned", "rented"}))
      ->default_str("owned");
  cmd->add_option("--html", o->html, "also write a self-contained HTML report with charts to this file");
  AddCommonOptions(*cmd, o->common);
  return {cmd, [o](std::ostream& out) { return RunCompare(*o, out); }, &o->common};
}

}  // namespace fleetsim
