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

  // Whether the error is about one key or the form of its value (an unknown key, a value that is not a number, of
  // the wrong unit, out of range, not one of the choices), as opposed to a combination of keys (a plan that does
  // not divide the fleet). `fleetsim sweep` refuses the first kind in an axis before any point runs; the second
  // may hold for some points and not others.
  bool about_one_key() const { return about_one_key_; }
  InputError& AboutOneKey() {
    about_one_key_ = true;
    return *this;
  }

 private:
  std::string file_;
  int line_;
  std::string message_;
  bool about_one_key_ = false;
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
