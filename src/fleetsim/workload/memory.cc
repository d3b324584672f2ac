#include "fleetsim/workload/memory.h"

#include <algorithm>

namespace fleetsim {
namespace {

struct StateBytes {
  double weight;     // per parameter
  double gradient;   // per parameter (the stack's gradient buffer: fp32 main gradients, or 16-bit)
  double optimizer;  // per parameter: fp32 master copy + Adam moments under mixed precision
};

StateBytes BytesPerParam(Precision p, const StackSpec& stack) {
  if (p == Precision::kFp32) return {4.0, 4.0, 8.0};
  return {2.0, stack.gradient_bytes, 12.0};
}

// Layers on the most loaded stage: an uneven split gives some stages one more layer.
int64_t MaxLayersPerStage(int64_t layers, int pp) { return (layers + pp - 1) / pp; }

}  // namespace

DeviceParams DeviceStageParams(const ModelSpec& m, const ParamCounts& params, const Plan& plan) {
  const int64_t stage_layers = MaxLayersPerStage(m.layers, plan.pp);
  // Layers [first, first + k) hold the model's dense layers first, then its MoE layers.
  auto stage = [&](int64_t first, double edge) {
    const int64_t last = first + stage_layers;
    const int64_t dense = std::max<int64_t>(0, std::min(last, params.dense_layers) - first);
    const double expert_share = params.moe_ffn_layer * static_cast<double>(stage_layers - dense);
    DeviceParams d;
    d.dense = (params.LayerParams(first, stage_layers) - expert_share + edge) / plan.tp;
    d.expert = expert_share / (static_cast<double>(plan.tp) * plan.ep);
    return d;
  };
  DeviceParams d;
  if (plan.pp == 1) {
    d = stage(0, params.embedding + params.logits);
  } else {
    const DeviceParams first = stage(0, params.embedding);
    const DeviceParams last = stage(m.layers - stage_layers, params.logits);
    d = first.dense + first.expert >= last.dense + last.expert ? first : last;
  }
  d.dense_ranks = static_cast<int64_t>(plan.dp) * plan.cp;
  d.expert_ranks = std::max<int64_t>(1, d.dense_ranks / plan.ep);
  return d;
}

Bytes LayerActivationBytes(const ModelSpec& m, const Plan& plan, int64_t seq_len, Precision precision,
                           const StackSpec& stack) {
  const double a = ActivationBytes(precision);
  const double tokens = static_cast<double>(plan.micro_batch) * static_cast<double>(seq_len) / plan.cp;
  const double h = static_cast<double>(m.hidden);
  const double t = plan.tp;
  const bool sp = plan.sequence_parallel && plan.tp > 1;
  const double replicated_share = sp ? 1.0 / t : 1.0;  // tensors that only sequence parallelism splits
  if (plan.recompute == Recompute::kFull) {
    return Bytes(a * tokens * h * replicated_share);  // the layer input only
  }
  const double q_width = static_cast<double>(m.heads * m.head_dim);
  const double kv_width = static_cast<double>(std::max(m.kv_heads, static_cast<int64_t>(plan.tp)) * m.head_dim);
  const bool moe = m.moe.enabled();
  const double ffn_width =
      moe ? static_cast<double>(m.moe.expert_ffn_hidden * (m.moe.top_k + m.moe.shared_experts))
          : static_cast<double>(m.ffn_hidden);
  const bool gated = m.ffn == FfnKind::kSwiglu;
  const bool dropout = !gated;  // GPT-style models train with dropout; Llama-style ones do not
  // Split by tensor parallelism: Q, K, V, attention output, FFN intermediates.
  const double split = (q_width + 2.0 * kv_width) + q_width + (gated ? 3.0 : 2.0) * ffn_width;
  // Split only by sequence parallelism: the two layer-norm inputs, attention and FFN inputs, dropout masks.
  const double seq = 4.0 * h + (dropout ? h : 0.0);  // in units of `a` bytes; masks are 1 byte each
  double scores = 0;
  double saved_8bit = 0;  // bytes saved per token when GEMM inputs are kept in 8 bits
  if (IsQuantized(precision) && stack.quantized_saved_inputs) {
    // The inputs of the QKV and FC1 GEMMs (layer-norm outputs, split like the hidden state), of the output
    // projection (attention output) and of FC2 (activation output) are kept as the cast 8-bit copies.
    saved_8bit = (a - 1.0) * ((q_width + ffn_width) / t + 2.0 * h * replicated_share);
  }
  if (!stack.fused_attention && plan.recompute == Recompute::kNone) {
    // Softmax output, dropout mask (1 byte) and dropout output per score: 5 bytes in 16-bit training.
    const double per_score = dropout ? 2.0 * a + 1.0 : a;
    scores = per_score * static_cast<double>(m.heads) / t * tokens * static_cast<double>(seq_len);
  }
  return Bytes(tokens * (a * split / t + a * seq * replicated_share - saved_8bit) + scores);
}

MemoryBreakdown DeviceMemory(const ModelSpec& m, const ParamCounts& params, const Plan& plan, int64_t seq_len,
                             int64_t micro_batches, Precision precision, const StackSpec& stack) {
  const StateBytes per = BytesPerParam(precision, stack);
  const int64_t stage_layers = MaxLayersPerStage(m.layers, plan.pp);
  // ZeRO shards over the data-parallel ranks (and context-parallel ones, which hold the same weights).
  const DeviceParams device = DeviceStageParams(m, params, plan);
  auto sharded = [&](double bytes_per_param, int from_stage) {
    const bool shard = plan.zero >= from_stage;
    return device.dense * bytes_per_param / (shard ? static_cast<double>(device.dense_ranks) : 1.0) +
           device.expert * bytes_per_param / (shard ? static_cast<double>(device.expert_ranks) : 1.0);
  };
  MemoryBreakdown mem;
  mem.optimizer = Bytes(sharded(per.optimizer, 1));
  // ZeRO-2/3 keep only the local gradient shard, unless the stack accumulates full-size gradients across
  // micro-batches and reduces them once per step.
  const bool full_accumulation = micro_batches > 1 && !stack.sharded_gradient_accumulation;
  const int shard_from = full_accumulation ? 4 : 2;  // 4: no ZeRO stage shards them
  mem.gradients = Bytes(sharded(per.gradient, shard_from));
  mem.weights = Bytes(sharded(per.weight, 3));
  if (plan.zero >= 3) {
    // FSDP gathers one layer's full weights at a time (and prefetches the next).
    mem.weights += Bytes(2.0 * per.weight * params.LayerParams(0, 1) / plan.tp);
  }
  if (IsQuantized(precision)) {
    // 8-bit copies of the local weights (and their transposes) the stack caches between micro-batches.
    mem.weights += Bytes(stack.quantized_weight_cache * (device.dense + device.expert));
  }

  // The first stage holds min(pp, m) micro-batches in flight under 1F1B, more when interleaved; all m of them
  // under GPipe.
  const Bytes per_layer = LayerActivationBytes(m, plan, seq_len, precision, stack);
  double in_flight = static_cast<double>(std::min<int64_t>(plan.pp, micro_batches));
  if (plan.vpp > 1 && plan.pp > 1) in_flight *= 1.0 + static_cast<double>(plan.pp - 1) / (plan.pp * plan.vpp);
  if (stack.gpipe_schedule && plan.pp > 1) in_flight = static_cast<double>(micro_batches);
  Bytes first_stage = per_layer * (static_cast<double>(stage_layers) * in_flight);
  if (plan.recompute == Recompute::kFull) {
    // Backward rebuilds one layer's full activations at a time.
    Plan stored = plan;
    stored.recompute = Recompute::kNone;
    first_stage += LayerActivationBytes(m, stored, seq_len, precision, stack);
  }
  // The last stage holds one micro-batch at a time plus its logits (16-bit) and fp32 softmax for the loss.
  const double tokens = static_cast<double>(plan.micro_batch) * static_cast<double>(seq_len) / plan.cp;
  const Bytes logits(tokens * static_cast<double>(m.vocab) / plan.tp * (2.0 + 4.0));
  const Bytes last_stage = per_layer * static_cast<double>(stage_layers) + logits;
  mem.activations = plan.pp == 1 ? first_stage + logits : std::max(first_stage, last_stage);
  mem.reserve = kFrameworkReserve;
  return mem;
}

}  // namespace fleetsim
