#include "fleetsim/cli/run_cli.h"

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

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
    AddCollectiveCommand,
    AddReliabilityCommand,
    AddCostCommand,
    AddServeCommand,
    AddValidateCommand,
    AddCalibrateCommand,
    AddCatalogCommand,
};
// clang-format on

// Writes the report to a temporary file beside `path` and renames it into place, so that `path` holds either
// its old content or the whole report: never a partial one (a full disk, Ctrl-C while writing).
void WriteWhole(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  std::error_code ec;
  const auto status = std::filesystem::status(target, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    std::ofstream stream(path);  // a device or pipe (/dev/stdout): written in place, never replaced
    if (!(stream << text)) throw InputError(path, 0, "cannot write the output file");
    return;
  }
  std::filesystem::path temp = target;
  temp.replace_filename("." + target.filename().string() + ".fleetsim-" + std::to_string(::getpid()));
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) throw InputError(path, 0, "cannot write the output file");
    file << text;
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw InputError(path, 0, "cannot write the output file (disk full?)");
    }
  }
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    throw InputError(path, 0, "cannot write the output file: " + ec.message());
  }
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"fleetsim: simulator and planner of AI compute infrastructure", "fleetsim"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "fleetsim 0.1.0");
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
    out << "fleetsim 0.1.0\n";
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
    WriteWhole(path, buffer.str());
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
