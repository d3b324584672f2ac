// ReliabilitySpec: the scenario's `reliability:` section (DESIGN §3, docs/reliability.md), validated: how long to
// run, how many Monte Carlo trials, the recovery policies, checkpointing, spares, and the failure classes and
// recovery times of the built-in catalog with the scenario's overrides applied. Immutable once parsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/units.h"
#include "fleetsim/reliability/failure_catalog.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

// Recovery strategies; checkpoint-restart (to persistent storage) is the base every run has, the others add to it.
enum class Policy { kCheckpointRestart, kInMemory, kHotSpares, kElastic, kOcsReroute };

std::string_view PolicyName(Policy p);
const std::vector<std::string>& PolicyNames();

struct CheckpointSpec {
  std::optional<Seconds> interval;               // to storage; empty: auto (Daly 2006 optimum)
  std::optional<Seconds> in_memory_interval;     // to peer host memory; empty: auto
  std::optional<Bandwidth> storage_bandwidth;    // aggregate, write and read; empty: the catalog default (2 TB/s)
  std::optional<Bandwidth> in_memory_bandwidth;  // per accelerator; empty: its scale-out bandwidth
  std::optional<Bytes> size;                     // whole model state; empty: parameters x bytes_per_parameter
  std::optional<double> bytes_per_parameter;     // empty: the catalog default (14)
};

// Bounds of the section's numbers. Trials are kept in memory (a few doubles each); a rate or a scale beyond these
// describes no hardware and only makes the Monte Carlo spin (ReliabilityModel also caps the events of a run).
inline constexpr int64_t kMaxTrials = 1000000;
inline constexpr double kMaxRateScale = 1000.0;
inline constexpr double kMaxRatePerUnitHour = 10.0;

struct ReliabilitySpec {
  std::optional<Seconds> duration;  // empty: until training.tokens are trained
  int64_t trials = 1000;
  uint64_t seed = 1;
  std::vector<Policy> policies = {Policy::kCheckpointRestart};
  CheckpointSpec checkpoint;
  int64_t spares = 0;                   // spare nodes (scale-up domains: servers, racks, cubes)
  std::optional<Seconds> step_time;     // empty: from the estimator when needed
  std::optional<int64_t> replica_size;  // accelerators per data-parallel replica; empty: from the plan or a node
  FailureCatalog failures = FailureCatalog::BuiltIn();  // with `rates`, `rate_scale` and `recovery` applied

  bool Has(Policy p) const;
};

// The replacement assumption that drives the result, in words for reports: an unlimited pool of cold spares for
// checkpoint-restart alone, a fixed pool of hot spares that waits for repairs when empty, elastic shrinking, OCS.
std::string ReplacementAssumption(const ReliabilitySpec& spec);

// Reads the `reliability:` section; `cluster` is the already-resolved cluster, for cross-checks (spares, OCS).
ReliabilitySpec ParseReliabilitySpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
