// The `fleetsim` command: a thin entry point over the library's RunCli.
#include <iostream>
#include <string>
#include <vector>

#include "fleetsim/cli/run_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return fleetsim::RunCli(args, std::cout, std::cerr);
}
