// RankLayout: where a training job's ranks sit, as the step simulator and the fabric model place them: pipeline
// stage outermost (stage = rank / devices per stage), then the data-parallel replica, then the tensor- and
// context-parallel ranks of one replica innermost (consecutive ranks, so inside one scale-up domain).
#pragma once

#include <algorithm>
#include <cstdint>

#include "fleetsim/workload/plan.h"

namespace fleetsim {

struct RankLayout {
  RankLayout(const Plan& plan, int64_t devices)
      : per_stage(devices / plan.pp), per_replica(std::max<int64_t>(1, static_cast<int64_t>(plan.tp) * plan.cp)) {}

  int64_t Stage(int64_t rank) const { return rank / per_stage; }
  int64_t Replica(int64_t rank) const { return (rank % per_stage) / per_replica; }
  // The rank at `position` (0 .. tp x cp - 1) of data-parallel replica `replica` in pipeline stage `stage`.
  int64_t Rank(int64_t stage, int64_t replica, int64_t position) const {
    return stage * per_stage + replica * per_replica + position;
  }

  int64_t per_stage;    // devices in one pipeline stage (every replica's)
  int64_t per_replica;  // devices of one replica in one stage (tp x cp)
};

}  // namespace fleetsim
