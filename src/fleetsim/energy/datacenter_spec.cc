#include "fleetsim/energy/datacenter_spec.h"

#include <fmt/format.h>

#include <cctype>

#include "fleetsim/core/suggest.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/energy/datacenter_defaults.h"

namespace fleetsim {

// Upper bounds that describe no real site: $10/kWh (retail prices are $0.03-0.40/kWh) and a 100 GW cap (the
// largest campuses planned are a few GW); beyond them results are nonsense and may overflow.
constexpr double kMaxUsdPerJ = 10.0 / 3.6e6;
const Range kPowerCap{0.0, 1e11, true};
namespace {

std::string PueBasis(const std::string& cooling, const std::string& climate) {
  return fmt::format("{} cooling, {} climate", cooling, climate);
}

}  // namespace

DatacenterSpec DatacenterSpec::Default() {
  const DatacenterDefaults& d = DatacenterDefaults::BuiltIn();
  DatacenterSpec s;
  s.pue = d.pue.at(d.default_cooling).at(d.default_climate);
  s.pue_basis = PueBasis(d.default_cooling, d.default_climate);
  s.electricity_usd_per_j = d.electricity_usd_per_j.at(d.default_region);
  s.electricity_basis = d.default_region;
  s.host_idle_fraction = d.power.host_idle_fraction;
  s.stall_activity = d.power.stall_activity;
  s.other_it_fraction = d.power.other_it_fraction;
  s.switch_power_per_port = d.power.switch_power_per_port;
  s.optics_power = d.power.optics_power;
  return s;
}

DatacenterSpec ParseDatacenterSpec(YamlMap& m, const ClusterSpec& /*cluster*/) {
  const DatacenterDefaults& d = DatacenterDefaults::BuiltIn();
  DatacenterSpec s = DatacenterSpec::Default();

  const std::optional<double> pue = m.OptNumber("pue", Range::Between(1, 3));
  const std::optional<std::string> cooling = m.OptChoice("cooling", d.Coolings());
  const std::optional<std::string> climate = m.OptChoice("climate", d.Climates());
  if (pue && (cooling || climate)) {
    m.Fail(cooling ? "cooling" : "climate", "give either pue or cooling/climate, not both (pue already fixes it)");
  }
  if (pue) {
    s.pue = *pue;
    s.pue_basis = "given";
  } else if (cooling || climate) {
    const std::string c = cooling.value_or(d.default_cooling);
    const std::string k = climate.value_or(d.default_climate);
    s.pue = d.pue.at(c).at(k);
    s.pue_basis = PueBasis(c, k);
  }

  if (m.Has("electricity")) {
    const std::string text = m.node()["electricity"].IsScalar() ? m.node()["electricity"].Scalar() : "";
    if (auto it = d.electricity_usd_per_j.find(text); it != d.electricity_usd_per_j.end()) {
      s.electricity_usd_per_j = it->second;
      s.electricity_basis = text;
    } else if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.front()))) {
      m.Fail("electricity",
             fmt::format("'{}' is neither a price (e.g. \"$0.08/kWh\") nor a known region{}; regions: {}", text,
                         DidYouMean(text, d.Regions()), JoinList(d.Regions())));
    } else {
      s.electricity_usd_per_j =
          m.Quantity("electricity", Dimension::kMoneyPerEnergy, Range::Between(0, kMaxUsdPerJ));
      s.electricity_basis = "given";
    }
  }
  if (auto v = m.OptQuantity("power_cap", Dimension::kPower, kPowerCap)) s.power_cap = Watts(*v);
  if (auto v = m.OptNumber("host_idle_fraction", Range::Fraction())) s.host_idle_fraction = *v;
  if (auto v = m.OptNumber("stall_activity", Range::Fraction())) s.stall_activity = *v;
  if (auto v = m.OptNumber("other_it_fraction", Range::Between(0, 1))) s.other_it_fraction = *v;
  if (auto v = m.OptQuantity("switch_power_per_port", Dimension::kPower, Range::Between(0, 1e4))) {
    s.switch_power_per_port = Watts(*v);
  }
  if (auto v = m.OptQuantity("optics_power", Dimension::kPower, Range::Between(0, 1e3)))
    s.optics_power = Watts(*v);
  m.Finish();
  return s;
}

}  // namespace fleetsim
