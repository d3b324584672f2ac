// `fleetsim calibrate --cases runs.csv [--accelerator ID] [--stack ID] [--fit a,b] [--out overlay.yaml]`: fits one
// accelerator's efficiency parameters (and its stack's jitter) to a user's measured training runs (NLopt) and
// writes them as a catalog overlay that every command takes with --catalog-overlay. Prints the fitted parameters,
// each case before and after the fit, and the fit's and the leave-one-out |error|.
#include <fmt/format.h>

#include <ostream>
#include <sstream>

#include "fleetsim/cli/command.h"
#include "fleetsim/core/error.h"
#include "fleetsim/report/table.h"
#include "fleetsim/validate/calibrator.h"
#include "fleetsim/validate/fit_parameters.h"
#include "fleetsim/validate/validation_output.h"

namespace fleetsim {
namespace {

struct CalibrateOptions {
  CommonOptions common;  // --format and --catalog-overlay; the report goes to standard output
  std::string cases;
  std::string accelerator;
  std::string stack;
  std::string fit;
  std::string overlay;  // --out
  bool no_loo = false;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string Summary(const ErrorSummary& s) {
  return fmt::format("{} / {}", Percent(s.median_abs), Percent(s.worst_abs));
}

nlohmann::json SummaryJson(const ErrorSummary& s) {
  return {{"cases", s.rows}, {"median_abs_error", s.median_abs}, {"worst_abs_error", s.worst_abs}};
}

std::string Text(const CalibrationResult& r, const std::string& cases_file) {
  std::string out = fmt::format("fleetsim calibrate: {}{} fitted to {} case(s) of {}\n{}, {} evaluations\n\n",
                                r.accelerator, r.stack.empty() ? "" : " and stack " + r.stack + "'s jitter",
                                r.cases.size(), cases_file, r.algorithm, r.evaluations);
  Table params({"parameter", "catalog", "fitted", "change", "sensitivity"});
  for (const FittedField& f : r.fields) {
    const FitParameter* p = FindFitParameter(f.name);
    params.AddRow({f.name, p->Display(f.start), p->Display(f.fitted),
                   f.start > 0 ? fmt::format("{:+.1f}%", 100 * (f.fitted / f.start - 1)) : "-",
                   fmt::format("{:.3f}", f.sensitivity)});
  }
  out += params.RenderText();
  out += "\n";
  Table cases({"case", "line", "metric", "measured", "before", "fitted", "fit error", "left out", "error"});
  for (const CaseFit& c : r.cases) {
    cases.AddRow({c.id, std::to_string(c.line), c.metric, fmt::format("{:.4g}", c.measured),
                  fmt::format("{:.4g}", c.before), fmt::format("{:.4g}", c.fitted),
                  fmt::format("{:+.1f}%", 100 * c.FitError()),
                  c.left_out ? fmt::format("{:.4g}", *c.left_out) : "-",
                  c.left_out ? fmt::format("{:+.1f}%", 100 * (*c.left_out / c.measured - 1)) : "-"});
  }
  out += cases.RenderText();
  out += fmt::format("\n|error| median / worst: before {}; fit {}; leave-one-out {}\n", Summary(r.before),
                     Summary(r.fit),
                     r.leave_one_out ? Summary(*r.leave_one_out) : "- (not run: --no-leave-one-out, or one case)");
  for (const std::string& n : r.notes) out += "note: " + n + "\n";
  return out;
}

nlohmann::json Json(const CalibrationResult& r, const std::string& overlay_yaml) {
  nlohmann::json fields = nlohmann::json::array();
  for (const FittedField& f : r.fields) {
    fields.push_back({{"name", f.name}, {"start", f.start}, {"fitted", f.fitted}, {"sensitivity", f.sensitivity}});
  }
  nlohmann::json cases = nlohmann::json::array();
  for (const CaseFit& c : r.cases) {
    cases.push_back(
        {{"case", c.id},
         {"line", c.line},
         {"metric", c.metric},
         {"measured", c.measured},
         {"before", c.before},
         {"fitted", c.fitted},
         {"fit_error", c.FitError()},
         {"left_out", c.left_out ? nlohmann::json(*c.left_out) : nlohmann::json()},
         {"left_out_error", c.left_out ? nlohmann::json(*c.left_out / c.measured - 1) : nlohmann::json()}});
  }
  return {{"accelerator", r.accelerator},
          {"stack", r.stack.empty() ? nlohmann::json() : nlohmann::json(r.stack)},
          {"algorithm", r.algorithm},
          {"evaluations", r.evaluations},
          {"fields", fields},
          {"cases", cases},
          {"before", SummaryJson(r.before)},
          {"fit", SummaryJson(r.fit)},
          {"leave_one_out", r.leave_one_out ? SummaryJson(*r.leave_one_out) : nlohmann::json()},
          {"notes", r.notes},
          {"overlay_yaml", overlay_yaml}};
}

}  // namespace

Command AddCalibrateCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "calibrate", "fits an accelerator's efficiency parameters to your measured runs; writes a catalog overlay");
  auto o = std::make_shared<CalibrateOptions>();
  cmd->add_option("--cases", o->cases, "your measured training runs, in the columns of validation/training.csv")
      ->required();
  cmd->add_option("--accelerator", o->accelerator, "the accelerator to fit (default: the one the cases run on)");
  cmd->add_option("--stack", o->stack,
                  "the software stack whose jitter to fit (default: the one stack the cases run on)");
  cmd->add_option("--fit", o->fit,
                  "comma-separated parameters to fit, e.g. matmul,attention,jitter (default: those the cases "
                  "exercise; jitter when the cases run at several data-parallel sizes)");
  cmd->add_option("--out", o->overlay, "write the fitted parameters as a catalog overlay YAML to FILE");
  cmd->add_flag("--no-leave-one-out", o->no_loo, "skip the leave-one-out refits");
  cmd->add_option("--format", o->common.format, "output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_str("table");
  AddCatalogOverlayOption(*cmd, o->common);
  auto run = [o](std::ostream& out) {
    const std::shared_ptr<const Catalog> catalog = o->common.LoadCatalog();
    CalibrationOptions options;
    options.accelerator = o->accelerator;
    options.stack = o->stack;
    options.fields = SplitList(o->fit);
    options.leave_one_out = !o->no_loo;
    const CalibrationResult r = Calibrate(LoadTrainingCases(o->cases, *catalog), *catalog, options);
    const std::string overlay = CalibrationOverlayYaml(r, o->cases);
    if (!o->overlay.empty()) {
      WriteOutputFile(o->overlay, overlay);
    }
    switch (o->common.Format()) {
      case OutputFormat::kJson:
        out << Json(r, overlay).dump(2) << "\n";
        break;
      case OutputFormat::kCsv: {
        Table t({"case", "line", "metric", "measured", "before", "fitted", "fit_error", "left_out"});
        for (const CaseFit& c : r.cases) {
          t.AddRow({c.id, std::to_string(c.line), c.metric, fmt::format("{:.6g}", c.measured),
                    fmt::format("{:.6g}", c.before), fmt::format("{:.6g}", c.fitted),
                    fmt::format("{:.6g}", c.FitError()), c.left_out ? fmt::format("{:.6g}", *c.left_out) : ""});
        }
        out << t.RenderCsv();
        break;
      }
      case OutputFormat::kTable:
        out << Text(r, o->cases);
        if (o->overlay.empty()) {
          out << "\nThe overlay (save it with --out FILE, use it with --catalog-overlay FILE):\n\n" << overlay;
        } else {
          out << fmt::format("\nwrote {} (use it with --catalog-overlay {})\n", o->overlay, o->overlay);
        }
        break;
    }
    return 0;
  };
  return {cmd, run, &o->common};
}

}  // namespace fleetsim
