// IterationCost: the time one serving iteration of one model copy takes, from the estimator's kernel model (the
// same rooflines, efficiencies and collective closed forms as training). An iteration runs every layer once over
// the batch's new tokens: prefill chunks (compute-bound GEMMs and attention over their context) and one token per
// decoding sequence (bound by reading the weights and each sequence's KV cache from HBM), plus the tensor-parallel
// all-reduces of each layer, the logits of the sequences that emit a token, and a fixed host overhead.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetsim/catalog/model.h"
#include "fleetsim/catalog/stack.h"
#include "fleetsim/collective/collective.h"
#include "fleetsim/estimate/kernel_model.h"
#include "fleetsim/scenario/cluster_spec.h"
#include "fleetsim/serve/serving_spec.h"

namespace fleetsim {

// What one iteration of a copy computes.
struct IterationWork {
  int64_t prefill_tokens = 0;    // prompt tokens of the prefill chunks
  double prefill_pairs = 0;      // query-key pairs of those chunks' attention (causal)
  int64_t decode_sequences = 0;  // sequences decoding one token each
  int64_t decode_kv_tokens = 0;  // KV-cache tokens those sequences read
  int64_t logits_rows = 0;       // sequences that emit a token this iteration
};

class IterationCost {
 public:
  IterationCost(const ClusterSpec& cluster, const ModelSpec& model, const ServingSpec& serving,
                const StackSpec& stack);

  // Seconds of one iteration.
  double Time(const IterationWork& work);
  // KV-cache bytes one token holds on one device of the copy (its pipeline stage's layers).
  double KvBytesPerTokenPerDevice() const { return kv_bytes_per_token_device_; }

 private:
  // Per-layer time of everything that scales with the tokens of the iteration: projections, FFN (or experts),
  // element-wise passes and the tensor-parallel all-reduces. Cached per token count.
  double TokenLayerTime(int64_t tokens);
  double ComputeTokenLayerTime(int64_t tokens, bool moe_layer) const;
  // A GEMM against the weights: at the serving precision, or at 16 bits reading quantised weights
  // (weight-only quantisation).
  double WeightGemm(const KernelModel& kernels, double m, double n, double k) const;

  ModelSpec model_;
  ServingSpec serving_;
  KernelModel kernels_;
  KernelModel expert_kernels_;  // the mixture-of-experts GEMMs, at the stack's MoE efficiency
  std::vector<LinkLevel> tp_levels_;
  std::vector<LinkLevel> ep_levels_;  // the expert-parallel group: ep devices, tp apart
  LinkLevel pp_level_;
  double kv_bytes_per_token_layer_device_ = 0;  // K and V of one token in one layer, on one device
  double kv_bytes_per_token_device_ = 0;
  // Decode attention's FLOPs per cached token and layer, on one device.
  double decode_attention_flops_per_token_layer_ = 0;
  // Devices the tokens' attention is spread over (data-parallel attention: ep; else 1).
  double attention_share_ = 1.0;
  double weight_bytes_ = 2;      // bytes per weight element at the serving precision
  bool weight_only_ = false;     // quantised weights widened to 16 bits inside the GEMMs
  double decode_bandwidth_ = 1;  // bytes/s the decode-attention kernel reads the KV cache at
  std::vector<double> cache_;    // TokenLayerTime by token count (negative: not yet computed)
};

}  // namespace fleetsim
