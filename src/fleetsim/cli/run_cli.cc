#include "fleetsim/cli/run_cli.h"

#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "fleetsim/cli/command.h"
#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

// Every subcommand, in the order `fleetsim --help` lists them.
// clang-format off
constexpr CommandFactory kCommands[] = {
    AddDemoCommand,
    AddEstimateCommand,
    AddSearchCommand,
    AddSimulateCommand,
    AddCollectiveCommand,
    AddReliabilityCommand,
    AddCostCommand,
    AddServeCommand,
    AddCompareCommand,
    AddSweepCommand,
    AddValidateCommand,
    AddCalibrateCommand,
    AddCatalogCommand,
};
// clang-format on

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"fleetsim: simulator and planner of AI compute infrastructure", "fleetsim"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "fleetsim " FLEETSIM_VERSION);
  std::vector<Command> commands;
  for (CommandFactory factory : kCommands) commands.push_back(factory(app));

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << "fleetsim " FLEETSIM_VERSION "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "error: " << e.what() << "\nRun 'fleetsim --help' for usage.\n";
    return 2;
  }

  const Command* chosen = nullptr;
  for (const Command& c : commands) {
    if (c.app->parsed()) chosen = &c;
  }
  if (!chosen) chosen = &commands.front();  // no subcommand: the demo

  try {
    const std::string& path = chosen->options ? chosen->options->out : std::string();
    if (path.empty()) return chosen->run(out);
    std::ostringstream buffer;
    const int code = chosen->run(buffer);
    WriteOutputFile(path, buffer.str());
    return code;
  } catch (const InputError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "fleetsim: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace fleetsim
