// SimulationSpec: the scenario's optional `simulation:` section (DESIGN §3), read by `fleetsim simulate`: the
// pipeline schedule to execute (by default the one the plan implies: interleaved 1F1B with vpp > 1, else 1F1B),
// stragglers, devices that compute slower than the rest, placed by a seeded draw, fabric switches that fail
// during the step, and another job sharing the fabric.
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

// A scale-out switch, or the link between two switches, that fails `at` seconds into the step: from then on the
// collectives route around it (`fleetsim simulate` prices them on the flow network with and without it).
struct SwitchFailure {
  double at_s = 0;
  int tier = 2;       // 1 leaf, 2 spine, 3 core
  int64_t index = 0;  // among the fabric's switches of that tier, in build order (0-based)
  // A link instead of a switch: the one between switch `index` of `tier` and switch `peer_index` of `peer_tier`.
  bool link = false;
  int peer_tier = 0;
  int64_t peer_index = 0;
  int line = 0;  // where the scenario states it (for errors found when the network is built)
};

// "leaf", "spine", "core" for tiers 1-3.
const std::vector<std::string>& SwitchTierNames();

// Another training job on the same fabric (`neighbour: {scenario: other.yaml, placement: after}`): its gradient
// reduction runs at the same time as this job's (the worst case: both reduce at once). Placement `after`: on
// the accelerators after this job's; `interleaved`: the two jobs take every other node (a fragmented
// allocation: they share racks and their switches), which needs as many nodes in both.
struct NeighbourJob {
  std::string scenario;  // path as written, relative to the scenario file's folder
  bool interleaved = false;
  int line = 0;
};

struct SimulationSpec {
  std::optional<PipelineSchedule> schedule;  // empty: from the plan
  StragglerSpec stragglers;
  std::vector<SwitchFailure> failures;
  std::optional<NeighbourJob> neighbour;
  int steps = 1;
};

// Parses `simulation:`; `accelerators` bounds the straggler count.
SimulationSpec ParseSimulationSpec(YamlMap& map, int64_t accelerators);

}  // namespace fleetsim
