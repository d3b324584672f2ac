// SimTime: the discrete-event engine's clock, an exact count of nanoseconds in int64 (about 292 years of range),
// so that event order never depends on floating-point rounding. Conversions from Seconds round to the nearest
// nanosecond (ties away from zero) and saturate at the ends of the range.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

#include "fleetsim/core/units.h"

namespace fleetsim {

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime FromNanoseconds(int64_t ns) { return SimTime(ns); }
  static constexpr SimTime Infinite() { return SimTime(std::numeric_limits<int64_t>::max()); }
  // Rounds to the nearest nanosecond; saturates instead of overflowing.
  static SimTime FromSeconds(Seconds s) {
    const double ns = std::round(s.value() * 1e9);
    if (ns >= 9.2e18) return Infinite();
    if (ns <= -9.2e18) return SimTime(std::numeric_limits<int64_t>::min());
    return SimTime(static_cast<int64_t>(ns));
  }

  constexpr int64_t nanoseconds() const { return ns_; }
  constexpr Seconds ToSeconds() const { return Seconds(static_cast<double>(ns_) * 1e-9); }
  constexpr bool IsInfinite() const { return ns_ == std::numeric_limits<int64_t>::max(); }

  constexpr SimTime operator+(SimTime o) const { return SimTime(ns_ + o.ns_); }
  constexpr SimTime operator-(SimTime o) const { return SimTime(ns_ - o.ns_); }
  constexpr auto operator<=>(const SimTime&) const = default;

 private:
  constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace fleetsim
