// Parsing of quantities with units, the one place where text such as "400Gbps", "80GB", "3.35TB/s", "1.5us",
// "54d", "700W" or "$1.99/h" becomes a number in base SI units. Decimal prefixes everywhere (GB = 1e9 bytes,
// Gbps = 1e9 bit/s); binary only when spelled KiB, MiB, GiB, TiB. A unit of the wrong kind for the key is an error
// whose message lists the units that kind accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetsim {

// What a quantity measures, and so which units it accepts.
enum class Dimension {
  kTime,            // s (ns us ms s min h d y)
  kBytes,           // B (B KB MB GB TB PB KiB MiB GiB TiB)
  kBandwidth,       // B/s (B/s ... TB/s, GiB/s, bps ... Tbps)
  kFlopRate,        // FLOP/s (FLOPS GFLOPS TFLOPS PFLOPS, or .../s spelt FLOP/s)
  kPower,           // W (W kW MW GW)
  kEnergy,          // J (J kJ MJ GJ Wh kWh MWh GWh)
  kMoney,           // USD ($25000, $3.3k, $1.2M, $2B)
  kMoneyPerTime,    // USD/s ($1.99/h, $500/month, $10/y)
  kMoneyPerEnergy,  // USD/J ($0.08/kWh, $80/MWh)
  kMoneyPerPower,   // USD/W ($10M/MW, $12/W)
};

// A short name for the kind ("a bandwidth") and the units it accepts, for error messages.
std::string_view DimensionName(Dimension dim);
std::string_view DimensionUnits(Dimension dim);

struct QuantityResult {
  std::optional<double> value;  // in base SI units; empty on error
  std::string error;            // why the text is not a quantity of the requested kind
};

// Parses "<number><unit>" (spaces allowed between) for the given kind. Does not range-check.
QuantityResult ParseQuantity(std::string_view text, Dimension dim);

// Formats a base-unit value with a readable prefix ("400 Gbps", "80 GB", "1.50 us").
std::string FormatQuantity(double value, Dimension dim);

}  // namespace fleetsim
