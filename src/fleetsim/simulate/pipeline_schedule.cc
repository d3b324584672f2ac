#include "fleetsim/simulate/pipeline_schedule.h"

#include <algorithm>

namespace fleetsim {
namespace {

// Interleaved order of (micro-batch, chunk) pairs: micro-batches in groups of `pp`, each group through every
// chunk before the next group (forward: chunks ascending; backward: descending). A last group may be smaller.
std::vector<Pass> InterleavedSequence(PassKind kind, int pp, int micro_batches, int chunks) {
  std::vector<Pass> out;
  out.reserve(static_cast<size_t>(micro_batches) * static_cast<size_t>(chunks));
  for (int first = 0; first < micro_batches; first += pp) {
    const int group = std::min(pp, micro_batches - first);
    for (int c = 0; c < chunks; ++c) {
      const int chunk = kind == PassKind::kForward ? c : chunks - 1 - c;
      for (int i = 0; i < group; ++i) out.push_back({kind, first + i, chunk});
    }
  }
  return out;
}

// 1F1B on sequences of forwards and backwards: `warmup` forwards, then a forward and a backward in turn, then
// the remaining backwards.
std::vector<Pass> OneFOneB(const std::vector<Pass>& forwards, const std::vector<Pass>& backwards, size_t warmup) {
  warmup = std::min(warmup, forwards.size());
  std::vector<Pass> out(forwards.begin(), forwards.begin() + static_cast<std::ptrdiff_t>(warmup));
  size_t f = warmup, b = 0;
  while (f < forwards.size()) {
    out.push_back(forwards[f++]);
    out.push_back(backwards[b++]);
  }
  while (b < backwards.size()) out.push_back(backwards[b++]);
  return out;
}

}  // namespace

std::vector<Pass> StageOrder(PipelineSchedule schedule, int stage, int pp, int micro_batches, int chunks) {
  if (schedule != PipelineSchedule::kInterleaved) chunks = 1;
  const std::vector<Pass> forwards = InterleavedSequence(PassKind::kForward, pp, micro_batches, chunks);
  const std::vector<Pass> backwards = InterleavedSequence(PassKind::kBackward, pp, micro_batches, chunks);
  switch (schedule) {
    case PipelineSchedule::kGpipe: {
      std::vector<Pass> out = forwards;
      out.insert(out.end(), backwards.rbegin(), backwards.rend());  // the last forward's backward first
      return out;
    }
    case PipelineSchedule::kOneFOneB:
    case PipelineSchedule::kZbH1:
      return OneFOneB(forwards, backwards, static_cast<size_t>(pp - stage - 1));
    case PipelineSchedule::kInterleaved: {
      // Megatron-LM's warm-up: enough forwards that the first backward of the last chunk can start. With a
      // partial last group the pairing of forwards and backwards no longer lines up across stages, so every
      // forward runs first (no deadlock, more activations in flight).
      size_t warmup = static_cast<size_t>((pp - stage - 1) * 2 + (chunks - 1) * pp);
      if (micro_batches % pp != 0) warmup = forwards.size();
      return OneFOneB(forwards, backwards, warmup);
    }
  }
  return {};
}

}  // namespace fleetsim
