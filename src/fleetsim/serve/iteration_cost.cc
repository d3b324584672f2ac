#include "fleetsim/serve/iteration_cost.h"

#include <algorithm>
#include <cmath>

#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {
namespace {

// Activations travel between layers and through the all-reduces in 16 bits.
constexpr double kActivationBytes = 2.0;
// Element-wise passes per layer over the tokens' hidden states (two norms, two residual adds, rotary, the
// activation function's gate), each reading and writing the hidden vector once.
constexpr double kElementwisePassesPerLayer = 6.0;

// The accelerator as the serving stack drives it: the stack's GEMM and bandwidth efficiencies, where it states
// them, replace the calibrated (training) ones.
Accelerator ServingAccelerator(const Accelerator& acc, const ServingSpec& serving, bool experts = false) {
  Accelerator out = acc;
  if (const auto g =
          experts && serving.moe_gemm_efficiency ? serving.moe_gemm_efficiency : serving.gemm_efficiency) {
    out.efficiency.matmul = *g;
    out.efficiency.fp8_matmul = *g;
    out.efficiency.int8_matmul = *g;
    out.efficiency.fp4_matmul = *g;
  }
  if (const auto m = serving.memory_efficiency) out.efficiency.memory = *m;
  return out;
}

// The precision the GEMMs compute at: the serving precision, or 16 bits when quantised weights are widened
// inside the GEMM (weight-only quantisation: the stack's choice, and always for int4, AWQ/GPTQ's W4A16).
Precision GemmPrecision(const ServingSpec& serving) {
  if (serving.precision == Precision::kInt4) return Precision::kBf16;
  const bool quantised = ServingElementBytes(serving.precision) < 2.0;
  return serving.weight_only_quantization && quantised ? Precision::kBf16 : serving.precision;
}

}  // namespace

IterationCost::IterationCost(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                             const StackSpec& stack)
    : model_(model),
      serving_(serving),
      kernels_(ServingAccelerator(cluster.accelerator, serving), GemmPrecision(serving), stack),
      expert_kernels_(ServingAccelerator(cluster.accelerator, serving, true), GemmPrecision(serving), stack),
      weight_bytes_(ServingElementBytes(serving.precision)),
      weight_only_(GemmPrecision(serving) != serving.precision) {
  decode_bandwidth_ = cluster.accelerator.memory_bandwidth.value() *
                      serving.decode_attention_efficiency.value_or(
                          serving.memory_efficiency.value_or(cluster.accelerator.efficiency.memory));
  // A quantised cache read through a dequantisation costs more bytes per element than it stores.
  const double kv_element = ServingElementBytes(serving.kv_precision);
  if (serving.quantized_kv_read_bytes && kv_element < 2.0) {
    decode_bandwidth_ *= kv_element / *serving.quantized_kv_read_bytes;
  }
  // Without GQA-aware kernels each query head of a group reads its KV head again.
  if (!serving.gqa_shared_kv_reads) {
    decode_bandwidth_ /=
        static_cast<double>(model.heads) / static_cast<double>(std::max<int64_t>(model.kv_heads, 1));
  }
  const GroupLevels levels(cluster);
  if (serving.tp > 1) tp_levels_ = levels.Levels(serving.tp, 1);
  if (serving.ep > 1) ep_levels_ = levels.Levels(serving.ep, serving.tp);
  attention_share_ = serving.attention_dp ? static_cast<double>(serving.ep) : 1.0;
  pp_level_ = levels.PeerLevel(serving.tp);
  // Each device of a tp group holds kv_heads / tp heads, or one (replicated) when tp exceeds kv_heads. A latent-
  // attention cache holds one latent per token, shared by the heads: every rank keeps it whole.
  const double kv_heads_device = std::max(1.0, static_cast<double>(model.kv_heads) / serving.tp);
  // Under data-parallel attention a token's cache lives on one device of the group: 1/ep of it per device.
  kv_bytes_per_token_layer_device_ =
      (model.mla.enabled() ? static_cast<double>(model.mla.CacheElements())
                           : 2.0 * kv_heads_device * static_cast<double>(model.head_dim)) *
      ServingElementBytes(serving.kv_precision) / attention_share_;
  // Decode attention's arithmetic per cached token and layer on one device: scores and values over the head
  // width for each local head; latent attention runs its heads over the whole latent (queries and outputs
  // absorbed into it: scores over kv_lora_rank + rope_head_dim values, values over kv_lora_rank). Under
  // data-parallel attention, as the cache, 1/ep of it per device.
  const double local_heads = static_cast<double>(model.heads) / serving.tp;
  decode_attention_flops_per_token_layer_ =
      (model.mla.enabled()
           ? 2.0 * local_heads * static_cast<double>(2 * model.mla.kv_lora_rank + model.mla.rope_head_dim)
           : 4.0 * local_heads * static_cast<double>(model.head_dim)) /
      attention_share_;
  const double layers_per_stage = std::ceil(static_cast<double>(model.layers) / serving.pp);
  kv_bytes_per_token_device_ = kv_bytes_per_token_layer_device_ * layers_per_stage;
  cache_.assign(static_cast<size_t>(std::max<int64_t>(serving.max_tokens, 1) + 1), -1.0);
}

double IterationCost::WeightGemm(const KernelModel& kernels, double m, double n, double k) const {
  if (weight_only_) return kernels.WeightOnlyGemm(m, n, k, weight_bytes_).value();
  return kernels.Gemm(m, n, k).value();
}

double IterationCost::ComputeTokenLayerTime(int64_t tokens, bool moe_layer) const {
  const double all = static_cast<double>(tokens);
  // Under data-parallel attention each device of the expert-parallel group holds its share of the tokens for
  // everything but the routed experts.
  const double t = std::ceil(all / attention_share_);
  const double tp = serving_.tp;
  const double h = static_cast<double>(model_.hidden);
  const double d = static_cast<double>(model_.head_dim);
  const double q_width = static_cast<double>(model_.heads) * d;
  const double kv_width = static_cast<double>(model_.kv_heads) * d;
  double s = 0;
  if (model_.mla.enabled()) {
    for (const ProjectionShape& g : LatentAttentionProjections(model_, tp)) s += WeightGemm(kernels_, t, g.n, g.k);
  } else {
    s += WeightGemm(kernels_, t, (q_width + 2.0 * kv_width) / tp, h);  // QKV projection
    s += WeightGemm(kernels_, t, h, q_width / tp);                     // output projection
  }
  const double gate = model_.ffn == FfnKind::kSwiglu ? 2.0 : 1.0;
  auto ffn = [&](const KernelModel& kernels, double rows, double width) {
    return WeightGemm(kernels, rows, gate * width / tp, h) + WeightGemm(kernels, rows, h, width / tp);
  };
  if (moe_layer) {
    // Tokens spread over the experts: with T tokens choosing top_k of E each, about E (1 - (1 - k/E)^T) experts
    // are touched, and each touched expert's weights are read once. Experts split over ep devices.
    const double e = static_cast<double>(model_.moe.experts);
    const double k = static_cast<double>(model_.moe.top_k);
    const double touched = e * (1.0 - std::pow(1.0 - k / e, all));
    const double rows = all * k / std::max(touched, 1.0);
    const double width = static_cast<double>(model_.moe.expert_ffn_hidden);
    s += touched / serving_.ep * ffn(expert_kernels_, rows, width);
    if (model_.moe.shared_experts > 0)
      s += ffn(kernels_, t, width * static_cast<double>(model_.moe.shared_experts));
    s += WeightGemm(kernels_, t, e, h);  // router
    if (!ep_levels_.empty() && serving_.attention_dp) {
      // Each device sends its tokens' hidden states to the devices of their top_k experts and takes the
      // results back: an all-to-all each way.
      s += 2.0 *
           HierarchicalCollectiveTime(CollectiveOp::kAllToAll, Bytes(t * k * h * kActivationBytes), ep_levels_)
               .value();
    } else if (!ep_levels_.empty()) {
      // Every expert-parallel device holds the tokens and runs its own experts on them; their outputs are
      // summed across the group (one all-reduce of the tokens' hidden states per MoE layer).
      s += HierarchicalCollectiveTime(CollectiveOp::kAllReduce, Bytes(t * h * kActivationBytes), ep_levels_)
               .value();
    }
  } else {
    s += ffn(kernels_, t, static_cast<double>(model_.ffn_hidden));
  }
  s += kernels_.Elementwise(Bytes(kElementwisePassesPerLayer * 2.0 * t * h * kActivationBytes)).value();
  if (!tp_levels_.empty()) {
    // Two all-reduces per layer (after attention and after the FFN) over the tokens' hidden states.
    s += 2.0 *
         HierarchicalCollectiveTime(CollectiveOp::kAllReduce, Bytes(t * h * kActivationBytes), tp_levels_).value();
  }
  return s;
}

double IterationCost::TokenLayerTime(int64_t tokens) {
  const auto compute = [&] {
    const int64_t moe_layers = model_.moe.enabled() ? model_.layers - model_.moe.dense_layers : 0;
    const int64_t dense_layers = model_.layers - moe_layers;
    double sum = 0;
    if (dense_layers > 0) sum += static_cast<double>(dense_layers) * ComputeTokenLayerTime(tokens, false);
    if (moe_layers > 0) sum += static_cast<double>(moe_layers) * ComputeTokenLayerTime(tokens, true);
    return sum / static_cast<double>(model_.layers);
  };
  if (tokens >= static_cast<int64_t>(cache_.size())) return compute();
  double& slot = cache_[static_cast<size_t>(tokens)];
  if (slot < 0) slot = compute();
  return slot;
}

double IterationCost::Time(const IterationWork& w) {
  const int64_t tokens = w.prefill_tokens + w.decode_sequences;
  if (tokens == 0) return 0.0;
  const double tp = serving_.tp;
  const double layers = static_cast<double>(model_.layers);
  double per_layer = TokenLayerTime(tokens);
  if (w.prefill_tokens > 0) {
    const double q = static_cast<double>(w.prefill_tokens);
    per_layer += kernels_
                     .AttentionForward(static_cast<double>(model_.heads) / tp / attention_share_, q,
                                       w.prefill_pairs / q, AttentionHeadWidth(model_), false)
                     .value();
  }
  if (w.decode_sequences > 0) {
    // Decode attention reads every decoding sequence's K and V once (one fused paged-attention kernel), unless
    // its arithmetic takes longer (latent attention's heads over the whole latent).
    const double kv_tokens = static_cast<double>(w.decode_kv_tokens);
    const double read = kv_tokens * kv_bytes_per_token_layer_device_ / decode_bandwidth_;
    const double compute =
        (Flops(kv_tokens * decode_attention_flops_per_token_layer_) / kernels_.attention_rate()).value();
    per_layer += std::max(read, compute) + kernels_.kernel_overhead().value();
  }
  double total = per_layer * layers;  // the pipeline stages run one after another for one batch
  if (w.logits_rows > 0) {
    total += kernels_
                 .Gemm(std::ceil(static_cast<double>(w.logits_rows) / attention_share_),
                       static_cast<double>(model_.vocab) / tp, static_cast<double>(model_.hidden))
                 .value();
  }
  if (serving_.pp > 1) {
    const Bytes hop(static_cast<double>(tokens) * static_cast<double>(model_.hidden) * kActivationBytes / tp);
    total += (serving_.pp - 1) *
             FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect, hop, pp_level_).value();
  }
  return total + serving_.iteration_overhead_s;
}

}  // namespace fleetsim
