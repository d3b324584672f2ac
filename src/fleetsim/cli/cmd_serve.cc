// `fleetsim serve S.yaml [--requests-out FILE.csv]`: LLM serving on the scenario's fleet (DESIGN §4): throughput,
// TTFT / TPOT / end-to-end percentiles, SLO attainment, the highest rate under the SLO, $ and J per token.
#include <ostream>

#include "fleetsim/cli/command.h"
#include "fleetsim/cli/terminal_progress.h"
#include "fleetsim/core/error.h"
#include "fleetsim/serve/serve_report.h"
#include "fleetsim/serve/serve_run.h"

namespace fleetsim {

Command AddServeCommand(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "serve",
      "LLM serving: throughput, TTFT/TPOT/end-to-end percentiles, SLO attainment, capacity under the SLO");
  auto options = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  auto requests_out = std::make_shared<std::string>();
  cmd->add_option("scenario", *path, "scenario YAML file with serving: and workload: sections")->required();
  cmd->add_option("--requests-out", *requests_out, "write one CSV row per request to this file");
  AddCommonOptions(*cmd, *options);
  auto run = [options, path, requests_out](std::ostream& out) {
    const Scenario scenario = options->LoadScenario(*path);
    const bool search = scenario.workload && scenario.workload->load == LoadPolicy::kMaxUnderSlo;
    TerminalProgress bar("serve", search ? "max-under-slo probes" : "requests");
    const ServeResult result = EvaluateServing(scenario, bar.Callback());
    if (!requests_out->empty()) {
      WriteOutputFile(*requests_out, RequestsCsv(result.run));
    }
    switch (options->Format()) {
      case OutputFormat::kJson:
        out << ServeJson(scenario, result).dump(2) << "\n";
        break;
      case OutputFormat::kCsv:
        out << ServeCsv(scenario, result);
        break;
      case OutputFormat::kTable:
        out << ServeText(scenario, result);
        break;
    }
    return 0;
  };
  return {cmd, run, options.get()};
}

}  // namespace fleetsim
