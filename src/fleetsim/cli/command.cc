#include "fleetsim/cli/command.h"

#include "fleetsim/core/error.h"

namespace fleetsim {

OutputFormat CommonOptions::Format() const {
  if (format == "json") return OutputFormat::kJson;
  if (format == "csv") return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

std::vector<Override> CommonOptions::Overrides() const {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(ParseOverride(s));
  return overrides;
}

void AddCommonOptions(CLI::App& command, CommonOptions& options, bool with_set) {
  command.add_option("--format", options.format, "output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_str("table");
  command.add_option("--out", options.out, "write the report to FILE instead of standard output");
  if (with_set) {
    command.add_option("--set", options.sets, "override a scenario key, e.g. --set training.micro_batch=2")
        ->allow_extra_args(false);
  }
}

}  // namespace fleetsim
