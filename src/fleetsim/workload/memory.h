// Memory per device of a training plan: weights, gradients and optimizer states (sharded by ZeRO stage),
// activations (by recomputation mode, tensor/sequence/context parallelism and the micro-batches a pipeline stage
// holds in flight), the logits of the last stage, and a fixed framework reserve. Activation terms follow
// Korthikanti et al. (MLSys'23, §4), generalised to grouped-query attention and gated FFNs, with fused (flash)
// attention, which keeps no s^2 score matrix.
#pragma once

#include <cstdint>

#include "fleetsim/catalog/model.h"
#include "fleetsim/catalog/stack.h"
#include "fleetsim/core/precision.h"
#include "fleetsim/core/units.h"
#include "fleetsim/workload/model_math.h"
#include "fleetsim/workload/plan.h"

namespace fleetsim {

struct MemoryBreakdown {
  Bytes weights;
  Bytes gradients;
  Bytes optimizer;
  Bytes activations;
  Bytes reserve;  // CUDA context, communicator buffers, allocator fragmentation
  Bytes Total() const { return weights + gradients + optimizer + activations + reserve; }
};

// The parameters one device holds on the most loaded pipeline stage (an uneven split gives it ceil(layers/pp)
// layers; the first stage holds the embedding and the model's leading dense layers, the last the logits and
// MoE layers, a single stage everything; the heavier of the two counts): dense weights split by tensor
// parallelism and replicated over dp x cp ranks, expert weights split by tp x ep and replicated over
// dp x cp / ep ranks. ZeRO shards and data-parallel collectives run over those replica groups.
struct DeviceParams {
  double dense = 0;
  double expert = 0;
  int64_t dense_ranks = 1;   // dp x cp
  int64_t expert_ranks = 1;  // dp x cp / ep
};
DeviceParams DeviceStageParams(const ModelSpec& model, const ParamCounts& params, const Plan& plan);

// Framework reserve per device (context, NCCL buffers, fragmentation): a fixed amount, see docs/estimator.md.
inline constexpr Bytes kFrameworkReserve = Bytes(3e9);

// Activation bytes one transformer layer keeps for one micro-batch on one device. A stack without fused
// attention adds the s x s softmax and dropout tensors, unless recomputation drops them; one that saves
// quantised GEMM inputs (Transformer Engine under fp8) keeps those in one byte.
Bytes LayerActivationBytes(const ModelSpec& model, const Plan& plan, int64_t seq_len, Precision precision,
                           const StackSpec& stack = {});

// Peak memory of the most loaded pipeline stage (first stage: most in-flight micro-batches, embedding; last
// stage: logits) for `micro_batches` micro-batches per step. The stack sets the gradient buffer's precision and
// the 8-bit weight copies of quantised training.
MemoryBreakdown DeviceMemory(const ModelSpec& model, const ParamCounts& params, const Plan& plan, int64_t seq_len,
                             int64_t micro_batches, Precision precision, const StackSpec& stack = {});

}  // namespace fleetsim
