// Strong types for the physical quantities fleetsim computes with: time, bytes, bandwidth, FLOPs, FLOP/s, watts,
// joules and dollars. Each wraps a double in base SI units (seconds, bytes, bytes/s, FLOP, FLOP/s, W, J, USD), so
// adding seconds to bytes fails to compile, and the few physical identities (bytes / bandwidth = time, ...) are
// spelled out below. Simulated event time, which must be exact, is the integer SimTime (sim_time.h).
#pragma once

#include <compare>

namespace fleetsim {

template <class Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(double value) : value_(value) {}

  // The value in base SI units.
  constexpr double value() const { return value_; }

  constexpr Quantity operator+(Quantity o) const { return Quantity(value_ + o.value_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value_ - o.value_); }
  constexpr Quantity operator-() const { return Quantity(-value_); }
  constexpr Quantity operator*(double k) const { return Quantity(value_ * k); }
  constexpr Quantity operator/(double k) const { return Quantity(value_ / k); }
  // The ratio of two quantities of the same kind is a plain number.
  constexpr double operator/(Quantity o) const { return value_ / o.value_; }
  constexpr Quantity& operator+=(Quantity o) {
    value_ += o.value_;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    value_ -= o.value_;
    return *this;
  }
  constexpr auto operator<=>(const Quantity&) const = default;

 private:
  double value_ = 0.0;
};

template <class Tag>
constexpr Quantity<Tag> operator*(double k, Quantity<Tag> q) {
  return q * k;
}

using Seconds = Quantity<struct SecondsTag>;
using Bytes = Quantity<struct BytesTag>;
using Bandwidth = Quantity<struct BandwidthTag>;  // bytes per second
using Flops = Quantity<struct FlopsTag>;          // floating-point operations (a count)
using FlopRate = Quantity<struct FlopRateTag>;    // FLOP per second
using Watts = Quantity<struct WattsTag>;
using Joules = Quantity<struct JoulesTag>;
using Usd = Quantity<struct UsdTag>;

// The physical identities between kinds.
constexpr Seconds operator/(Bytes b, Bandwidth bw) { return Seconds(b.value() / bw.value()); }
constexpr Bandwidth operator/(Bytes b, Seconds t) { return Bandwidth(b.value() / t.value()); }
constexpr Bytes operator*(Bandwidth bw, Seconds t) { return Bytes(bw.value() * t.value()); }
constexpr Seconds operator/(Flops f, FlopRate r) { return Seconds(f.value() / r.value()); }
constexpr FlopRate operator/(Flops f, Seconds t) { return FlopRate(f.value() / t.value()); }
constexpr Flops operator*(FlopRate r, Seconds t) { return Flops(r.value() * t.value()); }
constexpr Joules operator*(Watts p, Seconds t) { return Joules(p.value() * t.value()); }
constexpr Joules operator*(Seconds t, Watts p) { return p * t; }
constexpr Watts operator/(Joules e, Seconds t) { return Watts(e.value() / t.value()); }

// Unit factories for readable constants in code and tests.
constexpr Seconds Microseconds(double us) { return Seconds(us * 1e-6); }
constexpr Seconds Milliseconds(double ms) { return Seconds(ms * 1e-3); }
constexpr Seconds Hours(double h) { return Seconds(h * 3600.0); }
constexpr Seconds Days(double d) { return Seconds(d * 86400.0); }
constexpr Bytes Gigabytes(double gb) { return Bytes(gb * 1e9); }
constexpr Bandwidth GigabytesPerSecond(double gbs) { return Bandwidth(gbs * 1e9); }
constexpr Bandwidth Gigabits(double gbps) { return Bandwidth(gbps * 1e9 / 8.0); }
constexpr FlopRate Teraflops(double tf) { return FlopRate(tf * 1e12); }

}  // namespace fleetsim
