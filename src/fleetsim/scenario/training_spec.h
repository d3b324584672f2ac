// TrainingSpec: what the scenario's `training:` section asks for. Optional fields are the ones a user may leave
// to fleetsim (`auto`): the plan search fills them with the fastest choice that fits in memory.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetsim/catalog/stack.h"
#include "fleetsim/core/precision.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

struct ParallelismSpec {
  int tp = 1;
  int pp = 1;
  int dp = 1;
  int cp = 1;
  int ep = 1;
  std::optional<int> vpp;  // empty: auto
};

struct TrainingSpec {
  int64_t seq_len = 0;
  int64_t global_batch = 0;
  std::optional<int64_t> micro_batch;  // empty: auto
  Precision precision = Precision::kBf16;
  std::optional<ParallelismSpec> parallelism;  // empty: search chooses every degree
  std::optional<bool> sequence_parallel;       // empty: true when tp > 1
  std::optional<Recompute> recompute;          // empty: auto
  std::optional<int> zero;       // ZeRO stage 0..3; empty: auto (the fastest that fits, as search chooses)
  std::optional<double> tokens;  // total tokens to train, for time to train
  StackSpec stack;               // the software stack (`training.stack`, else the accelerator's default)
};

}  // namespace fleetsim
