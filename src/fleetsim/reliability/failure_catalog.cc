#include "fleetsim/reliability/failure_catalog.h"

#include <fmt/format.h>

#include <set>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

const std::vector<std::string> kUnits = {"accelerator", "host", "link", "switch", "wan_link", "job"};
const std::vector<std::string> kBlasts = {"none", "node", "leaf", "site"};
const std::vector<std::string> kDetections = {"crash", "hang", "silent", "planned"};

int IndexOf(const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return 0;
}

void SetTime(YamlMap& map, const char* key, Seconds& field, Range range = Range::NonNegative()) {
  if (auto v = map.OptQuantity(key, Dimension::kTime, range)) field = Seconds(*v);
}

}  // namespace

void ParseRecoveryTimes(YamlMap& map, RecoveryTimes& t) {
  SetTime(map, "health_check_interval", t.health_check_interval);
  SetTime(map, "watchdog_timeout", t.watchdog_timeout);
  SetTime(map, "diagnosis", t.diagnosis);
  SetTime(map, "sdc_check_interval", t.sdc_check_interval, Range::Positive());
  SetTime(map, "reschedule", t.reschedule);
  SetTime(map, "process_start", t.process_start);
  SetTime(map, "comm_setup_base", t.comm_setup_base);
  SetTime(map, "comm_setup_per_rank", t.comm_setup_per_rank);
  SetTime(map, "cold_replacement", t.cold_replacement);
  SetTime(map, "hot_swap", t.hot_swap);
  SetTime(map, "ocs_swap", t.ocs_swap);
  SetTime(map, "repair", t.repair, Range::Positive());
}

const FailureClass* FailureCatalog::Find(std::string_view id) const {
  for (const FailureClass& c : classes) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<std::string> FailureCatalog::Ids() const {
  std::vector<std::string> ids;
  for (const FailureClass& c : classes) ids.push_back(c.id);
  return ids;
}

FailureCatalog FailureCatalog::Parse(const std::string& text, const std::string& file) {
  YamlMap root = YamlMap::Parse(text, file);
  FailureCatalog cat;
  std::set<std::string> seen;
  for (YamlMap& m : root.MapList("failure_classes")) {
    FailureClass c;
    c.id = m.String("id");
    if (!seen.insert(c.id).second) m.Fail("id", fmt::format("duplicate failure class '{}'", c.id));
    c.name = m.String("name");
    c.unit = static_cast<FailureUnit>(IndexOf(kUnits, m.Choice("unit", kUnits)));
    c.rate_per_unit_hour = m.Number("rate", Range::NonNegative());
    c.blast = static_cast<BlastRadius>(IndexOf(kBlasts, m.Choice("blast_radius", kBlasts)));
    c.detection = static_cast<Detection>(IndexOf(kDetections, m.Choice("detection", kDetections)));
    c.source = m.String("source");
    m.Finish();
    cat.classes.push_back(std::move(c));
  }
  if (auto m = root.OptMap("recovery_defaults")) {
    ParseRecoveryTimes(*m, cat.recovery);
    if (auto v = m->OptQuantity("storage_bandwidth", Dimension::kBandwidth, Range::Positive())) {
      cat.recovery.storage_bandwidth = Bandwidth(*v);
    }
    if (auto v = m->OptNumber("bytes_per_parameter", Range::Positive())) cat.recovery.bytes_per_parameter = *v;
    m->Finish();
  }
  root.Has("notes");
  root.Finish();
  return cat;
}

const FailureCatalog& FailureCatalog::BuiltIn() {
  static const FailureCatalog catalog = [] {
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (f.path == "data/reliability.yaml") return Parse(std::string(f.content), std::string(f.path));
    }
    throw InternalError("data/reliability.yaml is not embedded in the library");
  }();
  return catalog;
}

std::string_view FailureUnitName(FailureUnit u) { return kUnits[static_cast<size_t>(u)]; }
std::string_view BlastRadiusName(BlastRadius b) { return kBlasts[static_cast<size_t>(b)]; }
std::string_view DetectionName(Detection d) { return kDetections[static_cast<size_t>(d)]; }

}  // namespace fleetsim
