#include "fleetsim/cli/command.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

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

void WriteOutputFile(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  std::error_code ec;
  const auto status = std::filesystem::status(target, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    std::ofstream stream(path);  // a device or pipe (/dev/stdout): written in place, never replaced
    stream << text;
    stream.close();  // a full device (/dev/full) fails only when the buffer is flushed
    if (!stream) throw InputError(path, 0, "cannot write the output file");
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

}  // namespace fleetsim
