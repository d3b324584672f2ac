// RunCli: the whole command line, callable in-process. Returns the exit code: 0 success, 1 a failure while
// running, 2 bad input or usage (with `file:line: error: ...` on `err`).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fleetsim {

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fleetsim
