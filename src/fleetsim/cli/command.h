// The CLI's plumbing shared by every subcommand: output format and destination, scenario overrides, and the
// registration of a subcommand with CLI11. Each command lives in its own cmd_<name>.cc and is listed once in
// run_cli.cc. Commands write to the stream they are given and report bad input by throwing InputError, so they
// run the same in-process (tests) and from the binary.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "fleetsim/scenario/scenario.h"

namespace fleetsim {

enum class OutputFormat { kTable, kJson, kCsv };

// Options most commands share: --format, --out, --set, --catalog-overlay.
struct CommonOptions {
  std::string format = "table";
  std::string out;
  std::vector<std::string> sets;
  std::string catalog_overlay;  // empty: the built-in catalog

  OutputFormat Format() const;
  std::vector<Override> Overrides() const;
  // The catalog scenarios resolve against: the built-in one, or it with --catalog-overlay applied.
  std::shared_ptr<const Catalog> LoadCatalog() const;
  // Scenario::Load with --set and --catalog-overlay applied.
  Scenario LoadScenario(const std::string& path) const;
};

// Adds --format and --out (and --set and --catalog-overlay when `with_set`) to a subcommand.
void AddCommonOptions(CLI::App& command, CommonOptions& options, bool with_set = true);
// Adds --catalog-overlay alone (commands without --set).
void AddCatalogOverlayOption(CLI::App& command, CommonOptions& options);

// A registered subcommand: its CLI11 node and the action to run when it was chosen. The action returns the exit
// code and writes its report to `out`.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(std::ostream& out)> run;
  const CommonOptions* options = nullptr;  // for --out; may be null
};

// Writes `text` to `path` whole: through a temporary file beside it renamed into place, so that `path` holds
// either its old content or all of the new one, never a part (a full disk, Ctrl-C while writing). A device or
// pipe (/dev/stdout) is written in place. Any failure is an InputError naming the path.
void WriteOutputFile(const std::string& path, const std::string& text);

using CommandFactory = Command (*)(CLI::App& root);

// One factory per subcommand (cmd_*.cc).
Command AddCatalogCommand(CLI::App& root);
Command AddEstimateCommand(CLI::App& root);
Command AddSearchCommand(CLI::App& root);
Command AddDemoCommand(CLI::App& root);
Command AddCollectiveCommand(CLI::App& root);
Command AddCostCommand(CLI::App& root);
Command AddReliabilityCommand(CLI::App& root);
Command AddValidateCommand(CLI::App& root);
Command AddCalibrateCommand(CLI::App& root);
Command AddServeCommand(CLI::App& root);
Command AddSimulateCommand(CLI::App& root);
Command AddCompareCommand(CLI::App& root);
Command AddSweepCommand(CLI::App& root);

}  // namespace fleetsim
