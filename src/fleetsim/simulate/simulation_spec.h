// SimulationSpec: the scenario's optional `simulation:` section (DESIGN §3), read by `fleetsim simulate`: the
// pipeline schedule to execute (by default the one the plan implies: interleaved 1F1B with vpp > 1, else 1F1B)
// and stragglers, devices that compute slower than the rest, placed by a seeded draw.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetsim/simulate/pipeline_schedule.h"

namespace fleetsim {

class YamlMap;

struct StragglerSpec {
  int64_t count = 0;
  double slowdown = 1.0;  // a straggler's passes take this many times as long
  uint64_t seed = 1;      // which devices are slow
};

struct SimulationSpec {
  std::optional<PipelineSchedule> schedule;  // empty: from the plan
  StragglerSpec stragglers;
  int steps = 1;
};

// Parses `simulation:`; `accelerators` bounds the straggler count.
SimulationSpec ParseSimulationSpec(YamlMap& map, int64_t accelerators);

}  // namespace fleetsim
