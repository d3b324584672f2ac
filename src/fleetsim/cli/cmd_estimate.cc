// `fleetsim estimate S.yaml`: the analytical step time, throughput, MFU and memory of the scenario's plan.
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/planner/estimate_scenario.h"
#include "fleetsim/report/step_report.h"

namespace fleetsim {

Command AddEstimateCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand("estimate", "analytical step time, throughput, MFU and memory per device");
  auto options = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  cmd->add_option("scenario", *path, "scenario YAML file")->required();
  AddCommonOptions(*cmd, *options);
  auto run = [options, path](std::ostream& out) {
    const Scenario scenario = options->LoadScenario(*path);
    const StepResult result = EstimateScenario(scenario);
    switch (options->Format()) {
      case OutputFormat::kJson:
        out << StepResultJson(scenario, result).dump(2) << "\n";
        break;
      case OutputFormat::kCsv:
        out << StepResultCsv(scenario, result);
        break;
      case OutputFormat::kTable:
        out << StepResultText(scenario, result);
        break;
    }
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
