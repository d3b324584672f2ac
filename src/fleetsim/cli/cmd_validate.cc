// `fleetsim validate [training|collectives|reliability|economics|inference|all] [--cases F.csv]`: the built-in
// published measurements (validation/*.csv, embedded) against fleetsim's predictions, with source, error and role
// per row and the median and worst |error| per family; `--cases` runs a user's own measured training runs instead
// of the published ones. Exit 0 when it ran, whatever the errors; 1 when --max-median or --max-worst is exceeded.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/core/error.h"
#include "fleetsim/validate/collectives_family.h"
#include "fleetsim/validate/cross_validation.h"
#include "fleetsim/validate/economics_family.h"
#include "fleetsim/validate/inference_family.h"
#include "fleetsim/validate/reliability_family.h"
#include "fleetsim/validate/training_family.h"
#include "fleetsim/validate/validation_output.h"

namespace fleetsim {
namespace {

struct ValidateOptions {
  CommonOptions common;
  std::string family;  // empty: all (training with --cases)
  std::string cases;
  std::string max_median;
  std::string max_worst;
  bool cross_validate = false;
  bool simulate = false;
};

// "0.05" or "5%" as a fraction.
double Fraction(const std::string& flag, const std::string& text) {
  std::string number = text;
  double scale = 1;
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    scale = 0.01;
  }
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(v >= 0)) {
    throw InputError("", 0, fmt::format("{}: '{}' is not a fraction; give e.g. 0.05 or 5%", flag, text));
  }
  return v * scale;
}

std::vector<FamilyReport> RunFamilies(const ValidateOptions& o, const Catalog& catalog) {
  const std::string family = o.family.empty() ? (o.cases.empty() ? "all" : "training") : o.family;
  const TrainingExecutor executor = o.simulate ? TrainingExecutor::kSimulate : TrainingExecutor::kEstimate;
  if (!o.cases.empty()) {
    if (family != "training") {
      throw InputError("", 0,
                       "--cases replaces the published training runs with yours: use it with `validate training` "
                       "or with no family");
    }
    return {ValidateTrainingCases(LoadTrainingCases(o.cases, catalog), "cases", catalog, executor)};
  }
  std::vector<FamilyReport> out;
  if (family == "training" || family == "all") out.push_back(ValidateTraining(catalog, executor));
  if (family == "collectives" || family == "all") out.push_back(ValidateCollectives(catalog));
  if (family == "reliability" || family == "all") out.push_back(ValidateReliability(catalog));
  if (family == "economics" || family == "all") out.push_back(ValidateEconomics(catalog));
  if (family == "inference" || family == "all") out.push_back(ValidateInference());
  return out;
}

}  // namespace

Command AddValidateCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "validate", "published (or your own, --cases) measurements against fleetsim's predictions, with errors");
  auto o = std::make_shared<ValidateOptions>();
  cmd->add_option("family", o->family,
                  "which cases: training, collectives, reliability, economics, inference or all")
      ->check(CLI::IsMember({"training", "collectives", "reliability", "economics", "inference", "all"}));
  cmd->add_option(
      "--cases", o->cases,
      "your own measured training runs, in the columns of validation/training.csv (docs/validation.md)");
  cmd->add_option("--max-median", o->max_median,
                  "exit 1 when a family's median |error| exceeds this fraction (0.05 or 5%)");
  cmd->add_option("--max-worst", o->max_worst, "exit 1 when a family's worst |error| exceeds this fraction");
  cmd->add_flag("--cross-validate", o->cross_validate,
                "training: leave-one-source-out, each source's rows predicted by the calibration refitted without "
                "it (docs/calibration.md); CSV gives its rows");
  cmd->add_flag(
      "--simulate", o->simulate,
      "training: run each case's step on the event engine (`fleetsim simulate`) instead of the estimator");
  AddCommonOptions(*cmd, o->common, /*with_set=*/false);
  AddCatalogOverlayOption(*cmd, o->common);
  auto run = [o](std::ostream& out) {
    // No limit given: infinity, which no error exceeds.
    const double max_median = o->max_median.empty() ? HUGE_VAL : Fraction("--max-median", o->max_median);
    const double max_worst = o->max_worst.empty() ? HUGE_VAL : Fraction("--max-worst", o->max_worst);
    const bool limits = !o->max_median.empty() || !o->max_worst.empty();
    const std::shared_ptr<const Catalog> catalog = o->common.LoadCatalog();
    const std::vector<FamilyReport> families = RunFamilies(*o, *catalog);
    std::optional<CrossValidation> cv;
    if (o->cross_validate) {
      const bool training = std::any_of(families.begin(), families.end(),
                                        [](const FamilyReport& f) { return f.family == "training"; });
      if (!training) {
        throw InputError("", 0,
                         "--cross-validate refits the built-in calibration on the published training runs: use it "
                         "with `validate training` or `validate all` (for your own runs, `fleetsim calibrate "
                         "--cases` reports a leave-one-out error)");
      }
      cv = CrossValidateBySource(BuiltInTrainingCases(*catalog), *catalog);
    }
    std::vector<std::string> exceeded;
    for (const FamilyReport& f : families) {
      if (f.all.median_abs > max_median) {
        exceeded.push_back(
            fmt::format("{}: median |error| {} > {}", f.family, Percent(f.all.median_abs), Percent(max_median)));
      }
      if (f.all.worst_abs > max_worst) {
        exceeded.push_back(
            fmt::format("{}: worst |error| {} > {}", f.family, Percent(f.all.worst_abs), Percent(max_worst)));
      }
    }
    switch (o->common.Format()) {
      case OutputFormat::kJson: {
        nlohmann::json j = ValidationJson(families);
        if (cv) j["cross_validation"] = CrossValidationJson(*cv);
        if (limits) j["limits_exceeded"] = exceeded;
        out << j.dump(2) << "\n";
        break;
      }
      case OutputFormat::kCsv:
        out << (cv ? CrossValidationCsv(*cv) : ValidationCsv(families));
        break;
      case OutputFormat::kTable:
        out << ValidationText(families);
        if (cv) out << "\n" << CrossValidationText(*cv);
        for (const std::string& e : exceeded) out << "limit exceeded: " << e << "\n";
        break;
    }
    return exceeded.empty() ? 0 : 1;
  };
  return {cmd, run, &o->common};
}

}  // namespace fleetsim
