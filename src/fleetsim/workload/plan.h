// Plan: one way of laying a training job onto a cluster: the parallelism degrees (tensor, pipeline with
// interleaving, data, context, expert), micro-batch, activation recomputation and ZeRO stage. Plans are small
// values; search enumerates millions of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

enum class Recompute { kNone, kSelective, kFull };

std::string_view RecomputeName(Recompute r);
std::optional<Recompute> ParseRecompute(std::string_view name);
const std::vector<std::string>& RecomputeNames();

struct Plan {
  int tp = 1;
  int pp = 1;
  int dp = 1;
  int cp = 1;
  int ep = 1;   // expert parallelism, drawn from the dp x cp ranks
  int vpp = 1;  // model chunks per pipeline stage (interleaved 1F1B when > 1)
  int64_t micro_batch = 1;
  bool sequence_parallel = false;
  Recompute recompute = Recompute::kNone;
  int zero = 1;  // 0: replicated optimizer; 1: optimizer states sharded; 2: + gradients; 3: + weights (FSDP)

  int64_t Devices() const { return static_cast<int64_t>(tp) * pp * dp * cp; }
  // Micro-batches per pipeline per step.
  int64_t MicroBatches(int64_t global_batch) const { return global_batch / (dp * micro_batch); }
  // "tp8 pp16 dp128 vpp2 mb1 sel z1"-style summary.
  std::string Describe() const;
};

}  // namespace fleetsim
