// `fleetsim search S.yaml`: every valid parallelism plan for the scenario's model and cluster, memory-checked and
// ranked by throughput.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/cli/terminal_progress.h"
#include "fleetsim/core/error.h"
#include "fleetsim/report/step_report.h"
#include "fleetsim/report/table.h"
#include "fleetsim/search/plan_search.h"

namespace fleetsim {

Command AddSearchCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("search", "all valid parallelism plans for the scenario, fastest first");
  auto options = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  auto top = std::make_shared<int>(10);
  auto keep = std::make_shared<bool>(false);
  cmd->add_option("scenario", *path, "scenario YAML file")->required();
  cmd->add_option("--top", *top, "how many plans to list (default 10)")->check(CLI::Range(1, 100000));
  cmd->add_flag("--keep-fixed", *keep, "hold the plan fields the scenario fixes (default: search them all)");
  AddCommonOptions(*cmd, *options);
  auto run = [options, path, top, keep](std::ostream& out) {
    const Scenario s = options->LoadScenario(*path);
    const Estimator estimator(s.model, s.cluster, s.training);
    PlanConstraints constraints;
    if (*keep) constraints = PlanConstraints::FromTraining(s.training);
    const SearchResult found = [&] {
      TerminalProgress bar("search", "tensor-parallel sizes");
      return SearchPlans(estimator, s.model, s.cluster, s.training, constraints, static_cast<size_t>(*top),
                         bar.Callback());
    }();
    std::vector<StepResult> results;
    for (const RankedPlan& p : found.best) results.push_back(estimator.Evaluate(p.plan));

    if (options->Format() == OutputFormat::kJson) {
      nlohmann::json rows = nlohmann::json::array();
      for (const StepResult& r : results) rows.push_back(StepResultJson(s, r));
      nlohmann::json j{{"scenario", s.name},
                       {"accelerator", s.cluster.accelerator.id},
                       {"evaluated", found.evaluated},
                       {"fitting", found.fitting},
                       {"plans", rows}};
      // Issue 9: the same keys as `estimate`, also when no plan fits and `plans` is empty.
      AddCalibrationJson(s.cluster.accelerator, j);
      out << j.dump(2) << "\n";
      return 0;
    }
    const bool csv = options->Format() == OutputFormat::kCsv;
    std::vector<std::string> header{"rank", "tp",        "pp",   "dp",     "cp",       "ep",  "vpp",
                                    "mb",   "recompute", "zero", "step_s", "tokens/s", "MFU", "mem_GB"};
    if (csv) header.insert(header.end(), {"calibrated", "calibration_relative"});
    Table t(header);
    const ComputeEfficiency& eff = s.cluster.accelerator.efficiency;
    int rank = 0;
    for (const StepResult& r : results) {
      const Plan& p = r.plan;
      std::vector<std::string> row{std::to_string(++rank),
                                   std::to_string(p.tp),
                                   std::to_string(p.pp),
                                   std::to_string(p.dp),
                                   std::to_string(p.cp),
                                   std::to_string(p.ep),
                                   std::to_string(p.vpp),
                                   std::to_string(p.micro_batch),
                                   std::string(RecomputeName(p.recompute)),
                                   std::to_string(p.zero),
                                   fmt::format("{:.4f}", r.step_time.value()),
                                   fmt::format("{:.4g}", r.tokens_per_s),
                                   fmt::format("{:.1f}%", 100 * r.mfu),
                                   fmt::format("{:.1f}", r.memory.Total().value() / 1e9)};
      if (csv) row.insert(row.end(), {eff.calibrated() ? "true" : "false", eff.relative});
      t.AddRow(row);
    }
    if (csv) {
      out << t.RenderCsv();
      return 0;
    }
    out << fmt::format("{}: {} x {}, model {}, seq {}, global batch {}, {}\n", s.name, s.cluster.count,
                       s.cluster.accelerator.id, s.model.id.empty() ? "custom" : s.model.id, s.training.seq_len,
                       s.training.global_batch, PrecisionName(s.training.precision));
    if (const std::string note = UncalibratedNote(s.cluster.accelerator); !note.empty()) out << note << "\n";
    out << fmt::format("{} plans evaluated, {} fit in {:.0f} GB per device\n\n", found.evaluated, found.fitting,
                       estimator.capacity().value() / 1e9);
    if (results.empty()) {
      out << "no plan fits in memory";
      if (found.smallest) {
        out << fmt::format("; the smallest needs {:.1f} GB: {}", found.smallest->memory.value() / 1e9,
                           found.smallest->plan.Describe());
      }
      out << "\n";
      return 0;
    }
    out << t.RenderText();
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
