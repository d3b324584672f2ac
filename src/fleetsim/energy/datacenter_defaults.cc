#include "fleetsim/energy/datacenter_defaults.h"

#include <fmt/format.h>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

constexpr const char* kDataPath = "data/datacenter.yaml";

// The keys of a mapping, in document order.
std::vector<std::string> Keys(const YamlMap& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map.node()) keys.push_back(entry.first.Scalar());
  return keys;
}

std::vector<std::string> MapKeys(const auto& map) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : map) keys.push_back(k);
  return keys;
}

void ParsePue(YamlMap m, DatacenterDefaults& d) {
  d.default_cooling = m.String("default_cooling");
  d.default_climate = m.String("default_climate");
  for (const std::string& cooling : Keys(m)) {
    if (cooling == "default_cooling" || cooling == "default_climate") continue;
    YamlMap row = m.Map(cooling);
    for (const std::string& climate : Keys(row))
      d.pue[cooling][climate] = row.Number(climate, Range::Between(1, 3));
    row.Finish();
  }
  m.Finish();
  if (!d.pue.count(d.default_cooling)) m.Fail("default_cooling", "names no cooling kind of the table");
  if (!d.pue[d.default_cooling].count(d.default_climate))
    m.Fail("default_climate", "names no climate of the table");
  for (const auto& [cooling, row] : d.pue) {
    if (row.size() != d.pue.begin()->second.size()) m.Fail(cooling, "every cooling kind needs the same climates");
  }
}

}  // namespace

DatacenterDefaults DatacenterDefaults::Parse(const std::string& text, const std::string& file) {
  YamlMap root = YamlMap::Parse(text, file);
  YamlMap m = root.Map("datacenter_defaults");
  root.Finish();
  DatacenterDefaults d;
  ParsePue(m.Map("pue"), d);

  YamlMap e = m.Map("electricity");
  d.default_region = e.String("default_region");
  YamlMap regions = e.Map("regions");
  for (const std::string& r : Keys(regions)) {
    d.electricity_usd_per_j[r] = regions.Quantity(r, Dimension::kMoneyPerEnergy, Range::NonNegative());
  }
  regions.Finish();
  e.Finish();
  if (!d.electricity_usd_per_j.count(d.default_region)) e.Fail("default_region", "names no region of the table");

  YamlMap p = m.Map("power");
  d.power.host_idle_fraction = p.Number("host_idle_fraction", Range::Fraction());
  d.power.stall_activity = p.Number("stall_activity", Range::Fraction());
  d.power.other_it_fraction = p.Number("other_it_fraction", Range::Between(0, 1));
  d.power.switch_power_per_port =
      Watts(p.Quantity("switch_power_per_port", Dimension::kPower, Range::NonNegative()));
  d.power.optics_power = Watts(p.Quantity("optics_power", Dimension::kPower, Range::NonNegative()));
  p.Finish();

  YamlMap c = m.Map("cost");
  d.cost.life = Seconds(c.Quantity("life", Dimension::kTime, Range::Positive()));
  d.cost.discount_rate = c.Number("discount_rate", Range::Fraction());
  d.cost.facility_capex_usd_per_w =
      c.Quantity("facility_capex_per_mw", Dimension::kMoneyPerPower, Range::NonNegative());
  d.cost.facility_life = Seconds(c.Quantity("facility_life", Dimension::kTime, Range::Positive()));
  d.cost.maintenance_fraction = c.Number("maintenance_fraction", Range::Fraction());
  d.cost.staff_fraction = c.Number("staff_fraction", Range::Fraction());
  d.cost.installation_fraction = c.Number("installation_fraction", Range::Fraction());
  d.cost.host_capex_fraction = c.Number("host_capex_fraction", Range::NonNegative());
  d.cost.switch_price_per_port = Usd(c.Quantity("switch_price_per_port", Dimension::kMoney, Range::NonNegative()));
  d.cost.optics_price = Usd(c.Quantity("optics_price", Dimension::kMoney, Range::NonNegative()));
  YamlMap rental = c.Map("rental");
  d.cost.rental.price_usd_per_s = rental.Quantity("price", Dimension::kMoneyPerTime, Range::NonNegative());
  d.cost.rental.utilization = rental.Number("utilization", Range::Fraction());
  d.cost.rental.debt_share = rental.Number("debt_share", Range::Between(0, 0.95));
  d.cost.rental.interest_rate = rental.Number("interest_rate", Range::Fraction());
  rental.Finish();
  c.Finish();

  YamlMap cloud = m.Map("cloud_prices");
  for (const std::string& id : Keys(cloud)) {
    d.cloud_price_usd_per_s[id] = cloud.Quantity(id, Dimension::kMoneyPerTime, Range::NonNegative());
  }
  cloud.Finish();
  d.sources = m.StringMap("sources");
  m.Finish();
  return d;
}

const DatacenterDefaults& DatacenterDefaults::BuiltIn() {
  static const DatacenterDefaults defaults = [] {
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path == kDataPath) return Parse(std::string(f.content), std::string(f.path));
    }
    throw InternalError(fmt::format("{} is not embedded in the library", kDataPath));
  }();
  return defaults;
}

std::vector<std::string> DatacenterDefaults::Coolings() const { return MapKeys(pue); }

std::vector<std::string> DatacenterDefaults::Climates() const {
  return pue.empty() ? std::vector<std::string>{} : MapKeys(pue.begin()->second);
}

std::vector<std::string> DatacenterDefaults::Regions() const { return MapKeys(electricity_usd_per_j); }

std::optional<double> DatacenterDefaults::CloudPrice(const std::string& accelerator_id) const {
  auto it = cloud_price_usd_per_s.find(accelerator_id);
  if (it == cloud_price_usd_per_s.end()) return std::nullopt;
  return it->second;
}

std::string DatacenterDefaults::Source(const std::string& key) const {
  auto it = sources.find(key);
  return it == sources.end() ? std::string() : it->second;
}

}  // namespace fleetsim
