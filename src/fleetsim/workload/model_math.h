// Model math: parameter counts and model FLOPs of a decoder-only transformer (dense or mixture-of-experts),
// from its ModelSpec alone. Conventions follow Megatron-LM (Narayanan et al. SC'21, Korthikanti et al. MLSys'23):
// model FLOPs count forward and backward (3x forward) of every matrix multiply, attention scores and values over
// the full sequence (4*s*h per token per layer forward), and the logits; no recomputation.
#pragma once

#include <vector>

#include <cstdint>

#include "fleetsim/catalog/model.h"

namespace fleetsim {

struct ParamCounts {
  double embedding = 0;         // input token embedding
  double logits = 0;            // output projection (0 when tied to the embedding)
  double attention_layer = 0;   // Q, K, V and output projections of one layer
  double norm_layer = 0;        // layer-norm weights of one layer
  double dense_ffn_layer = 0;   // FFN of one dense layer
  double moe_ffn_layer = 0;     // every expert, shared experts and router of one MoE layer
  double moe_active_layer = 0;  // the experts one token passes through, shared experts and router
  int64_t dense_layers = 0;     // layers with a dense FFN
  int64_t moe_layers = 0;       // layers with experts
  double total = 0;
  double active = 0;  // parameters one token touches

  // Parameters of `layers` transformer layers (dense layers first), without embedding or logits.
  double LayerParams(int64_t first_layer, int64_t layers) const;
};

ParamCounts CountParams(const ModelSpec& model);
double TotalParams(const ModelSpec& model);

// One weight GEMM of a latent-attention block, per token on one tensor-parallel rank: `n` outputs from `k` inputs.
struct ProjectionShape {
  double n = 0;
  double k = 0;
};
// The projections of a latent-attention (mla) layer on one of `tp` ranks: the query's down and up projections,
// the shared latent's down projection (replicated on every rank), its up projection to each head's key and value
// (or, absorbed at decode, the same weights applied to the query and the output) and the output projection.
std::vector<ProjectionShape> LatentAttentionProjections(const ModelSpec& model, double tp);
// The head width the fused-attention FLOP formula (4 x pairs x width) takes: head_dim, or for latent attention
// the mean of the key (head_dim + rope) and value widths.
double AttentionHeadWidth(const ModelSpec& model);

// Forward FLOPs of one token through one layer's matrix multiplies (projections and active FFN), excluding
// attention scores/values.
double LayerLinearFlopsPerToken(const ModelSpec& model, bool moe_layer);
// Forward FLOPs of one token's attention scores and values in one layer over a context of `seq_len` tokens.
double AttentionFlopsPerToken(const ModelSpec& model, int64_t seq_len);
// Model FLOPs per token, forward + backward (3x forward), for a sequence length: the numerator of MFU.
double ModelFlopsPerToken(const ModelSpec& model, int64_t seq_len);

}  // namespace fleetsim
