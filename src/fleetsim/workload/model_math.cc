#include "fleetsim/workload/model_math.h"

#include <algorithm>

namespace fleetsim {
namespace {

double FfnParams(const ModelSpec& m, double width) {
  const double h = static_cast<double>(m.hidden);
  return (m.ffn == FfnKind::kSwiglu ? 3.0 : 2.0) * h * width;
}

}  // namespace

std::vector<ProjectionShape> LatentAttentionProjections(const ModelSpec& m, double tp) {
  const double h = static_cast<double>(m.hidden);
  const double heads = static_cast<double>(m.heads) / tp;
  const double qk = static_cast<double>(m.head_dim + m.mla.rope_head_dim);
  const double v = static_cast<double>(m.mla.v_head_dim);
  const double latent = static_cast<double>(m.mla.kv_lora_rank);
  std::vector<ProjectionShape> out;
  if (m.mla.q_lora_rank > 0) {
    const double q_rank = static_cast<double>(m.mla.q_lora_rank);
    out.push_back({q_rank, h});
    out.push_back({heads * qk, q_rank});
  } else {
    out.push_back({heads * qk, h});
  }
  out.push_back({static_cast<double>(m.mla.CacheElements()), h});
  out.push_back({heads * (static_cast<double>(m.head_dim) + v), latent});
  out.push_back({h, heads * v});
  return out;
}

double AttentionHeadWidth(const ModelSpec& m) {
  if (!m.mla.enabled()) return static_cast<double>(m.head_dim);
  return 0.5 * static_cast<double>(m.head_dim + m.mla.rope_head_dim + m.mla.v_head_dim);
}

ParamCounts CountParams(const ModelSpec& m) {
  ParamCounts p;
  const double h = static_cast<double>(m.hidden);
  const double q_width = static_cast<double>(m.heads * m.head_dim);
  const double kv_width = static_cast<double>(m.kv_heads * m.head_dim);
  p.embedding = static_cast<double>(m.vocab) * h;
  p.logits = m.tied_embeddings ? 0.0 : static_cast<double>(m.vocab) * h;
  p.attention_layer = h * q_width + 2.0 * h * kv_width + q_width * h;
  if (m.mla.enabled()) {
    p.attention_layer = 0;
    for (const ProjectionShape& g : LatentAttentionProjections(m, 1.0)) p.attention_layer += g.n * g.k;
  }
  p.norm_layer = 2.0 * h;
  p.dense_ffn_layer = FfnParams(m, static_cast<double>(m.ffn_hidden));
  if (m.moe.enabled()) {
    const double expert = FfnParams(m, static_cast<double>(m.moe.expert_ffn_hidden));
    const double router = h * static_cast<double>(m.moe.experts);
    p.moe_ffn_layer = expert * static_cast<double>(m.moe.experts + m.moe.shared_experts) + router;
    p.moe_active_layer = expert * static_cast<double>(m.moe.top_k + m.moe.shared_experts) + router;
    p.dense_layers = m.moe.dense_layers;
    p.moe_layers = m.layers - m.moe.dense_layers;
  } else {
    p.dense_layers = m.layers;
  }
  const double per_dense = p.attention_layer + p.norm_layer + p.dense_ffn_layer;
  const double per_moe = p.attention_layer + p.norm_layer + p.moe_ffn_layer;
  const double per_moe_active = p.attention_layer + p.norm_layer + p.moe_active_layer;
  const double final_norm = h;
  p.total = p.embedding + p.logits + final_norm + per_dense * static_cast<double>(p.dense_layers) +
            per_moe * static_cast<double>(p.moe_layers);
  p.active = p.embedding + p.logits + final_norm + per_dense * static_cast<double>(p.dense_layers) +
             per_moe_active * static_cast<double>(p.moe_layers);
  return p;
}

double ParamCounts::LayerParams(int64_t first_layer, int64_t layers) const {
  const int64_t last = first_layer + layers;
  const int64_t dense = std::max<int64_t>(0, std::min(last, dense_layers) - first_layer);
  const int64_t moe = layers - dense;
  return static_cast<double>(dense) * (attention_layer + norm_layer + dense_ffn_layer) +
         static_cast<double>(moe) * (attention_layer + norm_layer + moe_ffn_layer);
}

double TotalParams(const ModelSpec& model) { return CountParams(model).total; }

double LayerLinearFlopsPerToken(const ModelSpec& m, bool moe_layer) {
  const ParamCounts p = CountParams(m);
  return 2.0 * (p.attention_layer + (moe_layer ? p.moe_active_layer : p.dense_ffn_layer));
}

double AttentionFlopsPerToken(const ModelSpec& m, int64_t seq_len) {
  // QK^T and softmax(QK^T)V: 2 * s * head_dim multiply-adds per head each.
  return 4.0 * static_cast<double>(seq_len) * static_cast<double>(m.heads) * AttentionHeadWidth(m);
}

double ModelFlopsPerToken(const ModelSpec& m, int64_t seq_len) {
  const ParamCounts p = CountParams(m);
  const double dense = LayerLinearFlopsPerToken(m, false) * static_cast<double>(p.dense_layers);
  const double moe =
      p.moe_layers > 0 ? LayerLinearFlopsPerToken(m, true) * static_cast<double>(p.moe_layers) : 0.0;
  const double attention = AttentionFlopsPerToken(m, seq_len) * static_cast<double>(m.layers);
  const double logits = 2.0 * static_cast<double>(m.hidden) * static_cast<double>(m.vocab);
  return 3.0 * (dense + moe + attention + logits);
}

}  // namespace fleetsim
