// TerminalProgress: one line on stderr for long work ("serve: 40% of 1000000 requests, 52k/s, ETA 12 s"), redrawn
// at most twice a second and only when stderr is a terminal, so pipes, files and tests see nothing. The line is
// cleared when the object goes away, whether the work finished or was interrupted by an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace fleetsim {

class TerminalProgress {
 public:
  // `label` starts the line ("reliability"), `unit` names what is counted ("trials").
  TerminalProgress(std::string label, std::string unit);
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // A callback for the work to call with (done, total); empty when stderr is not a terminal, so that the work
  // can skip even the call.
  std::function<void(int64_t done, int64_t total)> Callback();

  // The line for `done` of `total` after `elapsed_s` seconds (exposed for tests).
  static std::string Line(const std::string& label, const std::string& unit, int64_t done, int64_t total,
                          double elapsed_s);

 private:
  std::string label_;
  std::string unit_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace fleetsim
