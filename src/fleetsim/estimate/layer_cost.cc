#include "fleetsim/estimate/layer_cost.h"

#include <algorithm>

#include "fleetsim/collective/collective.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {
namespace {

// Element-wise passes over hidden-sized tensors per layer forward: two layer norms (read + write) and two
// residual additions (two reads + one write).
constexpr double kHiddenPasses = 10.0;
// Element-wise kernels per layer forward besides the GEMMs and attention (norms, rotary, activation, residuals).
constexpr double kElementwiseKernels = 6.0;

}  // namespace

LayerCostModel::LayerCostModel(const ModelSpec& model, int64_t seq_len, Precision precision,
                               const KernelModel& kernels, const GroupLevels& levels, const StackSpec& stack)
    : model_(model),
      seq_len_(seq_len),
      activation_bytes_(ActivationBytes(precision)),
      precision_(precision),
      kernels_(kernels),
      levels_(levels),
      stack_(stack) {}

LayerCost LayerCostModel::Layer(const Plan& plan, bool moe_layer) const {
  const ModelSpec& m = model_;
  const double t = plan.tp;
  const double s = static_cast<double>(seq_len_);
  const double tokens = static_cast<double>(plan.micro_batch) * s / plan.cp;  // per device
  const double h = static_cast<double>(m.hidden);
  const double hd = AttentionHeadWidth(m);
  const double q_local = static_cast<double>(m.heads) * hd / t;
  const double kv_local = static_cast<double>(std::max<int64_t>(m.kv_heads, plan.tp)) * hd / t;
  const bool gated = m.ffn == FfnKind::kSwiglu;
  const bool sp = plan.sequence_parallel && plan.tp > 1;
  const double a = activation_bytes_;

  LayerCost c;
  // Attention block: QKV projection, fused attention over the local heads, output projection.
  Seconds qkv = kernels_.Gemm(tokens, q_local + 2.0 * kv_local, h);
  Seconds out_proj = kernels_.Gemm(tokens, h, q_local);
  if (m.mla.enabled()) {
    // Latent attention: the query and latent projections, then the latent's up projection to the heads' keys
    // and values; the output projection last.
    const std::vector<ProjectionShape> g = LatentAttentionProjections(m, t);
    qkv = Seconds(0);
    for (size_t i = 0; i + 1 < g.size(); ++i) qkv += kernels_.Gemm(tokens, g[i].n, g[i].k);
    out_proj = kernels_.Gemm(tokens, g.back().n, g.back().k);
  }
  const double batch_heads = static_cast<double>(plan.micro_batch) * static_cast<double>(m.heads) / t;
  const bool dropout = !gated;  // GPT-style models train with dropout; Llama-style ones do not
  if (kernels_.fused_attention()) {
    // Context parallelism splits the keys over cp ring steps, one kernel each (load-balanced causal chunks);
    // after an all-gather of the keys and values, one kernel sweeps them all.
    const double calls = stack_.cp_all_gather ? 1.0 : static_cast<double>(plan.cp);
    c.attention_forward = kernels_.AttentionForward(batch_heads, s / plan.cp, s, hd, /*causal=*/true, calls);
    c.attention_backward = kernels_.AttentionBackward(batch_heads, s / plan.cp, s, hd, /*causal=*/true, calls);
  } else {
    c.attention_forward = kernels_.UnfusedAttentionForward(batch_heads, s / plan.cp, s, hd, dropout);
    c.attention_backward = kernels_.UnfusedAttentionBackward(batch_heads, s / plan.cp, s, hd, dropout);
  }

  // FFN block: dense, or routed experts (+ shared experts and router). `ffn_in` and `ffn_out` are the GEMMs
  // that tensor-parallel communication can overlap with (first and last of the block).
  Seconds ffn(0);
  Seconds ffn_in(0);
  Seconds ffn_out(0);
  double ffn_elements = 0;  // activation-function inputs and outputs, per device
  const double up_factor = gated ? 2.0 : 1.0;
  if (moe_layer && m.moe.enabled()) {
    const double fe = static_cast<double>(m.moe.expert_ffn_hidden) / t;
    const double local_experts = static_cast<double>(m.moe.experts) / plan.ep;
    const double routed = tokens * static_cast<double>(m.moe.top_k);
    const double per_expert = routed / local_experts;
    ffn_in = kernels_.Gemm(per_expert, up_factor * fe, h) * local_experts;
    ffn_out = kernels_.Gemm(per_expert, h, fe) * local_experts;
    ffn = ffn_in + ffn_out;
    if (m.moe.shared_experts > 0) {
      const double fs = fe * static_cast<double>(m.moe.shared_experts);
      ffn += kernels_.Gemm(tokens, up_factor * fs, h) + kernels_.Gemm(tokens, h, fs);
      ffn_elements += tokens * fs * (up_factor + 1.0);
    }
    ffn += kernels_.Gemm(tokens, static_cast<double>(m.moe.experts), h);  // router
    ffn_elements += routed * fe * (up_factor + 1.0);
  } else {
    const double f = static_cast<double>(m.ffn_hidden) / t;
    ffn_in = kernels_.Gemm(tokens, up_factor * f, h);
    ffn_out = kernels_.Gemm(tokens, h, f);
    ffn = ffn_in + ffn_out;
    ffn_elements = tokens * f * (up_factor + 1.0);
  }

  // Element-wise traffic: norms and residuals on (sequence-parallel) hidden tensors, rotary on Q and K,
  // the FFN activation.
  const double hidden_tokens = sp ? tokens / t : tokens;
  const Bytes elementwise(
      a * (kHiddenPasses * hidden_tokens * h + 2.0 * tokens * (q_local + kv_local) + ffn_elements));
  const Seconds pointwise =
      kernels_.Elementwise(elementwise) + kernels_.kernel_overhead() * (kElementwiseKernels - 1);
  // Quantised training (fp8, int8, fp4) casts every GEMM input to 8 bits (read 16-bit, write 8-bit) in forward,
  // and casts and transposes the output gradients in backward (read 16-bit, write two 8-bit copies).
  Seconds cast_forward(0);
  Seconds cast_backward(0);
  if (IsQuantized(precision_)) {
    const double inputs = tokens * (2.0 * h + q_local) + ffn_elements / (up_factor + 1.0);
    cast_forward = kernels_.Elementwise(Bytes(3.0 * inputs));
    cast_backward = kernels_.Elementwise(Bytes(4.0 * inputs));
  }

  const Seconds gemms = qkv + out_proj + ffn;
  c.forward = gemms + c.attention_forward + pointwise + cast_forward;
  // Backward: data and weight gradients (two GEMMs per forward GEMM), attention backward, twice the
  // element-wise traffic.
  c.backward = gemms * 2.0 + c.attention_backward + pointwise * 2.0 + cast_backward;
  if (plan.recompute == Recompute::kFull) c.recompute = c.forward;
  if (plan.recompute == Recompute::kSelective) c.recompute = c.attention_forward;

  // Tensor parallelism: per block, all-gather + reduce-scatter with sequence parallelism, else one all-reduce,
  // of the full hidden activations; as many again in backward, and again when the forward is recomputed. A stack
  // that overlaps them (tp_overlap, with sequence parallelism) pipelines each all-gather into the GEMM after it
  // and each reduce-scatter out of the GEMM before it, in tp chunks: the first chunk, and whatever the GEMM is
  // too short to cover, stay exposed. In backward each collective has the data- and weight-gradient GEMMs.
  if (plan.tp > 1) {
    const Bytes full(tokens * h * a);
    c.tp_bytes = full;
    const std::vector<LinkLevel> group = levels_.Levels(plan.tp, 1);
    const double passes = plan.recompute == Recompute::kFull ? 3.0 : 2.0;
    if (sp) {
      const Seconds gather = HierarchicalCollectiveTime(CollectiveOp::kAllGather, full, group);
      const Seconds scatter = HierarchicalCollectiveTime(CollectiveOp::kReduceScatter, full, group);
      if (stack_.tp_overlap) {
        auto exposed = [&](Seconds comm, Seconds gemm) { return std::max(comm / t, comm - gemm); };
        auto pass = [&](double gemm_factor) {
          return exposed(gather, qkv * gemm_factor) + exposed(scatter, out_proj * gemm_factor) +
                 exposed(gather, ffn_in * gemm_factor) + exposed(scatter, ffn_out * gemm_factor);
        };
        c.tp_comm = pass(1.0) * (passes - 1.0) + pass(2.0);
      } else {
        c.tp_comm = (gather + scatter) * (2.0 * passes);
      }
    } else {
      c.tp_comm = HierarchicalCollectiveTime(CollectiveOp::kAllReduce, full, group) * (2.0 * passes);
    }
  }
  // Context parallelism: a ring passes each rank's keys and values (forward) and their gradients (backward),
  // overlapped with the attention kernels. Each of the cp - 1 ring steps still waits for its block to arrive
  // (latency, in forward, backward and recompute) and merges its partial result into the running one: forward
  // reads and writes the 16-bit output, backward accumulates dQ, and dK/dV travelling with the ring, in fp32.
  // (The extra kernel launches and shorter key ranges are in the attention kernels' cost above.)
  // With the all-gather exchange (Llama 3 paper section 3.3.2) the gather before the forward kernel and the
  // reduce-scatter of the key/value gradients after the backward one are both exposed, and full recomputation
  // gathers again.
  if (plan.cp > 1) c.cp_bytes = Bytes(2.0 * tokens * kv_local * a) * plan.cp;
  if (plan.cp > 1 && stack_.cp_all_gather) {
    const Bytes kv_chunk(2.0 * tokens * kv_local * a);
    const std::vector<LinkLevel> group = levels_.Levels(plan.cp, plan.tp);
    const Seconds gather = HierarchicalCollectiveTime(CollectiveOp::kAllGather, kv_chunk * plan.cp, group);
    const Seconds scatter = HierarchicalCollectiveTime(CollectiveOp::kReduceScatter, kv_chunk * plan.cp, group);
    c.cp_comm = gather * (plan.recompute == Recompute::kFull ? 2.0 : 1.0) + scatter;
  } else if (plan.cp > 1) {
    const Bytes kv_chunk(2.0 * tokens * kv_local * a);
    const std::vector<LinkLevel> group = levels_.Levels(plan.cp, plan.tp);
    const Seconds ring = HierarchicalCollectiveTime(CollectiveOp::kAllGather, kv_chunk * plan.cp, group);
    const double steps = static_cast<double>(plan.cp - 1);
    const Bytes merge_forward(tokens * q_local * 2.0 * 3.0);
    const Bytes merge_backward(tokens * (q_local + 2.0 * kv_local) * 4.0 * 2.0);
    const Seconds merge = (kernels_.Elementwise(merge_forward) * (plan.recompute == Recompute::kFull ? 2.0 : 1.0) +
                           kernels_.Elementwise(merge_backward)) *
                          steps;
    c.cp_comm = std::max(Seconds(0), ring - c.attention_forward) +
                std::max(Seconds(0), ring * 2.0 - c.attention_backward) + group.back().latency * (3.0 * steps) +
                merge;
  }
  // Expert parallelism: dispatch and combine all-to-all, forward and backward.
  if (moe_layer && m.moe.enabled() && plan.ep > 1) {
    const Bytes routed(tokens * static_cast<double>(m.moe.top_k) * h * a);
    c.ep_bytes = routed;
    const std::vector<LinkLevel> group = levels_.Levels(plan.ep, plan.tp, GroupLevels::Traffic::kAllToAll);
    c.ep_comm = HierarchicalCollectiveTime(CollectiveOp::kAllToAll, routed, group) * 4.0;
  }
  return c;
}

HeadCost LayerCostModel::Head(const Plan& plan) const {
  const double tokens = static_cast<double>(plan.micro_batch) * static_cast<double>(seq_len_) / plan.cp;
  const double v = static_cast<double>(model_.vocab) / plan.tp;
  const double h = static_cast<double>(model_.hidden);
  // Quantised training keeps the logits GEMM in 16 bits (Transformer Engine and AQT quantise the layers only).
  const Seconds logits = kernels_.WideGemm(tokens, v, h);
  // Softmax cross-entropy in fp32: read logits, write probabilities, read them back for the gradient.
  const Seconds loss = kernels_.Elementwise(Bytes(tokens * v * 4.0 * 3.0));
  return {logits * 3.0 + loss};
}

}  // namespace fleetsim
