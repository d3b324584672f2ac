#include "fleetsim/core/quantity.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <span>

namespace fleetsim {
namespace {

struct Unit {
  std::string_view symbol;
  double scale;  // base units per unit
};

constexpr double kYear = 365.0 * 86400.0;
constexpr double kMonth = kYear / 12.0;

constexpr std::array kTimeUnits{Unit{"ns", 1e-9},   Unit{"us", 1e-6},      Unit{"ms", 1e-3},
                                Unit{"s", 1.0},     Unit{"min", 60.0},     Unit{"h", 3600.0},
                                Unit{"d", 86400.0}, Unit{"month", kMonth}, Unit{"y", kYear}};
constexpr std::array kByteUnits{Unit{"B", 1.0},
                                Unit{"KB", 1e3},
                                Unit{"MB", 1e6},
                                Unit{"GB", 1e9},
                                Unit{"TB", 1e12},
                                Unit{"PB", 1e15},
                                Unit{"KiB", 1024.0},
                                Unit{"MiB", 1048576.0},
                                Unit{"GiB", 1073741824.0},
                                Unit{"TiB", 1099511627776.0}};
constexpr std::array kBandwidthUnits{Unit{"B/s", 1.0},     Unit{"KB/s", 1e3},    Unit{"MB/s", 1e6},
                                     Unit{"GB/s", 1e9},    Unit{"TB/s", 1e12},   Unit{"GiB/s", 1073741824.0},
                                     Unit{"bps", 0.125},   Unit{"Kbps", 125.0},  Unit{"Mbps", 1.25e5},
                                     Unit{"Gbps", 1.25e8}, Unit{"Tbps", 1.25e11}};
constexpr std::array kFlopRateUnits{Unit{"FLOPS", 1.0},    Unit{"GFLOPS", 1e9},  Unit{"TFLOPS", 1e12},
                                    Unit{"PFLOPS", 1e15},  Unit{"FLOP/s", 1.0},  Unit{"GFLOP/s", 1e9},
                                    Unit{"TFLOP/s", 1e12}, Unit{"PFLOP/s", 1e15}};
constexpr std::array kPowerUnits{Unit{"W", 1.0}, Unit{"kW", 1e3}, Unit{"MW", 1e6}, Unit{"GW", 1e9}};
constexpr std::array kEnergyUnits{Unit{"J", 1.0},     Unit{"kJ", 1e3},    Unit{"MJ", 1e6},    Unit{"GJ", 1e9},
                                  Unit{"Wh", 3600.0}, Unit{"kWh", 3.6e6}, Unit{"MWh", 3.6e9}, Unit{"GWh", 3.6e12}};
constexpr std::array kMoneySuffixes{Unit{"", 1.0}, Unit{"k", 1e3}, Unit{"M", 1e6}, Unit{"B", 1e9}};

std::span<const Unit> UnitsOf(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return kTimeUnits;
    case Dimension::kBytes:
      return kByteUnits;
    case Dimension::kBandwidth:
      return kBandwidthUnits;
    case Dimension::kFlopRate:
      return kFlopRateUnits;
    case Dimension::kPower:
      return kPowerUnits;
    case Dimension::kEnergy:
      return kEnergyUnits;
    case Dimension::kMoneyPerTime:
      return kTimeUnits;
    case Dimension::kMoneyPerEnergy:
      return kEnergyUnits;
    case Dimension::kMoneyPerPower:
      return kPowerUnits;
    case Dimension::kMoney:
      return {};
  }
  return {};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits the leading decimal number (sign, digits, point, exponent) from the rest.
std::optional<double> TakeNumber(std::string_view& s) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(ptr - s.data()));
  return v;
}

std::optional<double> LookUp(std::span<const Unit> units, std::string_view symbol) {
  for (const Unit& u : units) {
    if (u.symbol == symbol) return u.scale;
  }
  return std::nullopt;
}

QuantityResult Fail(std::string_view text, Dimension dim, std::string_view why) {
  return {std::nullopt, fmt::format("'{}' is not {}{}; write a number with one of the units {}", text,
                                    DimensionName(dim), why, DimensionUnits(dim))};
}

// A number times its unit can overflow ("$1e308k"): such a value is an error, never an infinity.
QuantityResult Finite(std::string_view text, Dimension dim, double value) {
  if (!std::isfinite(value)) return Fail(text, dim, " (too large to represent)");
  return {value, {}};
}

}  // namespace

std::string_view DimensionName(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return "a time";
    case Dimension::kBytes:
      return "a size in bytes";
    case Dimension::kBandwidth:
      return "a bandwidth";
    case Dimension::kFlopRate:
      return "a compute rate";
    case Dimension::kPower:
      return "a power";
    case Dimension::kEnergy:
      return "an energy";
    case Dimension::kMoney:
      return "an amount of money";
    case Dimension::kMoneyPerTime:
      return "a price per time";
    case Dimension::kMoneyPerEnergy:
      return "a price per energy";
    case Dimension::kMoneyPerPower:
      return "a price per power";
  }
  return "a quantity";
}

std::string_view DimensionUnits(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return "ns, us, ms, s, min, h, d, month, y (e.g. \"1.5us\", \"54d\")";
    case Dimension::kBytes:
      return "B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB (e.g. \"80GB\")";
    case Dimension::kBandwidth:
      return "B/s, KB/s, MB/s, GB/s, TB/s, GiB/s, bps, Kbps, Mbps, Gbps, Tbps (e.g. \"400Gbps\", \"3.35TB/s\")";
    case Dimension::kFlopRate:
      return "FLOPS, GFLOPS, TFLOPS, PFLOPS (e.g. \"989TFLOPS\")";
    case Dimension::kPower:
      return "W, kW, MW, GW (e.g. \"700W\")";
    case Dimension::kEnergy:
      return "J, kJ, MJ, GJ, Wh, kWh, MWh, GWh (e.g. \"12MWh\")";
    case Dimension::kMoney:
      return "$ with an optional k, M or B (e.g. \"$50000\", \"$3.3k\")";
    case Dimension::kMoneyPerTime:
      return "$ per s, min, h, d, month or y (e.g. \"$1.99/h\")";
    case Dimension::kMoneyPerEnergy:
      return "$ per J, kWh or MWh (e.g. \"$0.08/kWh\")";
    case Dimension::kMoneyPerPower:
      return "$ per W, kW or MW (e.g. \"$10M/MW\")";
  }
  return "";
}

QuantityResult ParseQuantity(std::string_view text, Dimension dim) {
  std::string_view s = Trim(text);
  const bool is_money = dim == Dimension::kMoney || dim == Dimension::kMoneyPerTime ||
                        dim == Dimension::kMoneyPerEnergy || dim == Dimension::kMoneyPerPower;
  if (is_money) {
    if (s.empty() || s.front() != '$') return Fail(text, dim, " (money starts with '$')");
    s.remove_prefix(1);
  }
  const std::optional<double> number = TakeNumber(s);
  if (!number) return Fail(text, dim, " (no number)");
  s = Trim(s);

  if (!is_money) {
    const std::optional<double> scale = LookUp(UnitsOf(dim), s);
    if (!scale) return Fail(text, dim, s.empty() ? " (no unit)" : fmt::format(" (unknown unit '{}')", s));
    return Finite(text, dim, *number * *scale);
  }

  // Money: "$<number>[k|M|B]" then, for a rate, "/<unit>".
  std::string_view suffix = s;
  std::string_view per;
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    suffix = Trim(s.substr(0, slash));
    per = Trim(s.substr(slash + 1));
  }
  const std::optional<double> multiplier = LookUp(kMoneySuffixes, suffix);
  if (!multiplier) return Fail(text, dim, fmt::format(" (unknown multiplier '{}')", suffix));
  const double usd = *number * *multiplier;
  if (dim == Dimension::kMoney) {
    if (!per.empty() || s.find('/') != std::string_view::npos) return Fail(text, dim, " (a rate, not an amount)");
    return Finite(text, dim, usd);
  }
  if (per.empty()) return Fail(text, dim, " (missing '/unit')");
  const std::optional<double> scale = LookUp(UnitsOf(dim), per);
  if (!scale) return Fail(text, dim, fmt::format(" (unknown unit '/{}')", per));
  return Finite(text, dim, usd / *scale);
}

std::string FormatQuantity(double value, Dimension dim) {
  struct Prefixed {
    double scale;
    std::string_view symbol;
  };
  auto pick = [value](std::span<const Prefixed> table) {
    const Prefixed* best = &table.front();
    for (const Prefixed& p : table) {
      if (std::fabs(value) >= p.scale) best = &p;
    }
    return fmt::format("{:.3g} {}", value / best->scale, best->symbol);
  };
  switch (dim) {
    case Dimension::kTime: {
      static constexpr Prefixed t[] = {{1e-9, "ns"},  {1e-6, "us"},   {1e-3, "ms"}, {1.0, "s"},
                                       {3600.0, "h"}, {86400.0, "d"}, {kYear, "y"}};
      return pick(t);
    }
    case Dimension::kBytes: {
      static constexpr Prefixed t[] = {{1.0, "B"},  {1e3, "KB"},  {1e6, "MB"},
                                       {1e9, "GB"}, {1e12, "TB"}, {1e15, "PB"}};
      return pick(t);
    }
    case Dimension::kBandwidth: {
      static constexpr Prefixed t[] = {{1.0, "B/s"}, {1e3, "KB/s"}, {1e6, "MB/s"}, {1e9, "GB/s"}, {1e12, "TB/s"}};
      return pick(t);
    }
    case Dimension::kFlopRate: {
      static constexpr Prefixed t[] = {{1.0, "FLOP/s"}, {1e9, "GFLOP/s"}, {1e12, "TFLOP/s"}, {1e15, "PFLOP/s"}};
      return pick(t);
    }
    case Dimension::kPower: {
      static constexpr Prefixed t[] = {{1.0, "W"}, {1e3, "kW"}, {1e6, "MW"}, {1e9, "GW"}};
      return pick(t);
    }
    case Dimension::kEnergy: {
      static constexpr Prefixed t[] = {{1.0, "J"}, {3.6e3, "Wh"}, {3.6e6, "kWh"}, {3.6e9, "MWh"}, {3.6e12, "GWh"}};
      return pick(t);
    }
    case Dimension::kMoney: {
      static constexpr Prefixed t[] = {{1.0, "USD"}, {1e3, "kUSD"}, {1e6, "MUSD"}, {1e9, "BUSD"}};
      return pick(t);
    }
    case Dimension::kMoneyPerTime:
      return fmt::format("${:.3g}/h", value * 3600.0);
    case Dimension::kMoneyPerEnergy:
      return fmt::format("${:.3g}/kWh", value * 3.6e6);
    case Dimension::kMoneyPerPower:
      return fmt::format("${:.3g}M/MW", value);
  }
  return fmt::format("{}", value);
}

}  // namespace fleetsim
