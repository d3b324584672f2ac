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

std::shared_ptr<const Catalog> CommonOptions::LoadCatalog() const {
  if (catalog_overlay.empty()) return {std::shared_ptr<const Catalog>(), &Catalog::BuiltIn()};
  return std::make_shared<const Catalog>(Catalog::WithOverlay(catalog_overlay));
}

Scenario CommonOptions::LoadScenario(const std::string& path) const {
  return Scenario::Load(path, Overrides(), *LoadCatalog());
}

void AddCatalogOverlayOption(CLI::App& command, CommonOptions& options) {
  command.add_option("--catalog-overlay", options.catalog_overlay,
                     "a catalog YAML file read after the built-in one; its entries override those of the same id "
                     "(e.g. one written by `fleetsim calibrate`)");
}

void AddCommonOptions(CLI::App& command, CommonOptions& options, bool with_set) {
  command.add_option("--format", options.format, "output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_str("table");
  command.add_option("--out", options.out, "write the report to FILE instead of standard output");
  if (with_set) {
    command.add_option("--set", options.sets, "override a scenario key, e.g. --set training.micro_batch=2")
        ->allow_extra_args(false);
    AddCatalogOverlayOption(command, options);
  }
}

}  // namespace fleetsim
