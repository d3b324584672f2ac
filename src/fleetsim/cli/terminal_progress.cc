#include "fleetsim/cli/terminal_progress.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cmath>
#include <iostream>

namespace fleetsim {
namespace {

// 1234567 -> "1.23M", 52000 -> "52k": a rate that fits a terminal line.
std::string Short(double v) {
  if (v >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.3g}k", v / 1e3);
  return fmt::format("{:.3g}", v);
}

std::string Eta(double s) {
  if (s < 120.0) return fmt::format("{:.0f} s", s);
  if (s < 7200.0) return fmt::format("{:.0f} min", s / 60.0);
  return fmt::format("{:.1f} h", s / 3600.0);
}

}  // namespace

TerminalProgress::TerminalProgress(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

TerminalProgress::~TerminalProgress() {
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
}

std::string TerminalProgress::Line(const std::string& label, const std::string& unit, int64_t done, int64_t total,
                                   double elapsed_s) {
  const double share = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  std::string line = fmt::format("{}: {:.0f}% of {} {}", label, 100.0 * share, total, unit);
  if (elapsed_s > 0.0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_s;
    line += fmt::format(", {}/s", Short(rate));
    if (done < total) line += ", ETA " + Eta(static_cast<double>(total - done) / rate);
  }
  return line;
}

std::function<void(int64_t, int64_t)> TerminalProgress::Callback() {
  if (!enabled_) return {};
  return [this](int64_t done, int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    drawn_ = true;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::cerr << "\r\033[K" << Line(label_, unit_, done, total, elapsed) << std::flush;
  };
}

}  // namespace fleetsim
