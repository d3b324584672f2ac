// SimulationSpec: the scenario's optional `simulation:` section (DESIGN §3), read by `fleetsim simulate`: the
// pipeline schedule to execute (by default the one the plan implies: interleaved 1F1B with vpp > 1, else 1F1B)
// and stragglers, devices that compute slower than the rest, placed by a seeded draw.
#pragma once

#include <cstdint>
#include <optional>

#include <string>
#include <vector>

namespace fleetsim {

class YamlMap;

// The pipeline schedules `fleetsim simulate` executes (simulate/pipeline_schedule.h says how each orders its
// passes): GPipe, 1F1B, interleaved 1F1B, ZB-H1.
enum class PipelineSchedule { kGpipe, kOneFOneB, kInterleaved, kZbH1 };

// "gpipe", "1f1b", "interleaved", "zb-h1".
const std::vector<std::string>& PipelineScheduleNames();
std::string PipelineScheduleName(PipelineSchedule s);

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
