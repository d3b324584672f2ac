// Helpers for CLI-level tests: write a scenario to a temporary file and run the command line in-process.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fleetsim/cli/run_cli.h"

namespace fleetsim::testing {

struct CliRun {
  int code = 0;
  std::string out;
  std::string err;
};

inline CliRun RunFleetsim(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

// Writes `text` to a file named `name` in a per-test temporary directory and returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fleetsim-tests";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace fleetsim::testing
