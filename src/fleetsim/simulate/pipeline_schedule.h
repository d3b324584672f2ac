// PipelineSchedule: the order in which each pipeline stage runs its forward and backward passes, as the
// training frameworks issue them (not a bubble formula): GPipe (all forwards, then all backwards), 1F1B
// (PipeDream-Flush: a warm-up of forwards, then one forward and one backward in turn), interleaved 1F1B
// (Megatron-LM, Narayanan et al. SC'21: each stage holds `chunks` model chunks, taken in groups of `pp`
// micro-batches), and ZB-H1 (Qi et al. ICLR'24: 1F1B whose backward is split into the input-gradient pass B and
// the weight-gradient pass W, W deferred to fill the bubbles; the executor places W).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/scenario/simulation_spec.h"

namespace fleetsim {

// kBackward is the whole backward pass, or under ZB-H1 its input-gradient half; kWeightGrad is ZB-H1's W.
enum class PassKind : uint8_t { kForward, kBackward, kWeightGrad };

struct Pass {
  PassKind kind = PassKind::kForward;
  int32_t micro_batch = 0;
  int32_t chunk = 0;  // model chunk on this stage (0 unless interleaved)
};

// The forward and backward passes of `stage` (0-based, of `pp`) for `micro_batches` micro-batches and `chunks`
// model chunks per stage (chunks > 1 only for kInterleaved), in issue order. ZB-H1's W passes are not listed.
std::vector<Pass> StageOrder(PipelineSchedule schedule, int stage, int pp, int micro_batches, int chunks);

}  // namespace fleetsim
