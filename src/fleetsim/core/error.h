// InputError: the one exception type for bad user input (scenario files, catalog files, command-line values). It
// carries the file and line so the CLI can print `file:line: error: message` and exit with code 2. Library code
// throws it and never exits the process; programmer errors use FLEETSIM_CHECK instead.
#pragma once

#include <stdexcept>
#include <string>

namespace fleetsim {

class InputError : public std::runtime_error {
 public:
  // `file` may be empty (command-line input); `line` is 1-based, 0 when unknown.
  InputError(std::string file, int line, const std::string& message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

// Thrown by library code for an internal invariant that does not hold (a bug, not bad input).
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);

}  // namespace fleetsim

// Always-on check for cheap invariants; a failure is a bug in fleetsim.
#define FLEETSIM_CHECK(cond) ((cond) ? static_cast<void>(0) : ::fleetsim::CheckFailed(#cond, __FILE__, __LINE__))
