// FailureCatalog: the failure processes of a fleet (one Poisson process per component class, with a rate per unit
// per hour, what a failure takes down and how it is found) and the default detection and restart times, read once
// from data/reliability.yaml. Immutable; a scenario's `reliability:` section overrides a copy
// (reliability_spec.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

class YamlMap;

// The component a failure rate counts per.
enum class FailureUnit { kAccelerator, kHost, kLink, kSwitch, kWanLink, kJob };
// What a failure takes out of the job until replaced or repaired.
enum class BlastRadius { kNone, kNode, kLeaf, kSite };
// How a failure is found: crash (health check), hang (watchdog), silent (SDC checker), planned (announced).
enum class Detection { kCrash, kHang, kSilent, kPlanned };

struct FailureClass {
  std::string id;  // the cause name in reports ("faulty-gpu")
  std::string name;
  FailureUnit unit = FailureUnit::kAccelerator;
  double rate_per_unit_hour = 0.0;
  BlastRadius blast = BlastRadius::kNode;
  Detection detection = Detection::kCrash;
  std::string source;

  bool planned() const { return detection == Detection::kPlanned; }
};

// Times of detection and recovery; every field documented in data/reliability.yaml and docs/reliability.md.
struct RecoveryTimes {
  Seconds health_check_interval = Seconds(60);
  Seconds watchdog_timeout = Seconds(600);
  Seconds diagnosis = Seconds(120);
  Seconds sdc_check_interval = Hours(2);
  Seconds reschedule = Seconds(60);
  Seconds process_start = Seconds(60);
  Seconds comm_setup_base = Seconds(10);
  Seconds comm_setup_per_rank = Seconds(0.005);
  Seconds cold_replacement = Seconds(180);
  Seconds hot_swap = Seconds(30);
  Seconds ocs_swap = Seconds(10);
  Seconds repair = Hours(48);
  Bandwidth storage_bandwidth = Bandwidth(2e12);
  double bytes_per_parameter = 14.0;
};

struct FailureCatalog {
  std::vector<FailureClass> classes;
  RecoveryTimes recovery;

  const FailureClass* Find(std::string_view id) const;
  std::vector<std::string> Ids() const;

  // The built-in catalog from the embedded data/reliability.yaml (parsed once).
  static const FailureCatalog& BuiltIn();
  // Parses a reliability data file (top-level `failure_classes:` and `recovery_defaults:`).
  static FailureCatalog Parse(const std::string& text, const std::string& file);
};

// Reads the time keys present in `map` onto `times` (the data file's `recovery_defaults:` and the scenario's
// `reliability.recovery:`); storage_bandwidth and bytes_per_parameter are read by their callers.
void ParseRecoveryTimes(YamlMap& map, RecoveryTimes& times);

std::string_view FailureUnitName(FailureUnit u);
std::string_view BlastRadiusName(BlastRadius b);
std::string_view DetectionName(Detection d);

}  // namespace fleetsim
