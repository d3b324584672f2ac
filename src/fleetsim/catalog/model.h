// ModelSpec: the dimensions of a decoder-only transformer (dense or mixture-of-experts), as the catalog's
// data/models.yaml and a scenario's `model:` section give them. The math on top of it (parameters, FLOPs, memory)
// lives in workload/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace fleetsim {

class YamlMap;

enum class FfnKind { kGelu, kSwiglu };

struct MoeSpec {
  int64_t experts = 0;  // 0: dense model
  int64_t top_k = 0;
  int64_t expert_ffn_hidden = 0;
  int64_t shared_experts = 0;
  int64_t dense_layers = 0;  // leading layers that use the dense FFN of width ffn_hidden
  bool enabled() const { return experts > 0; }
};

// Multi-head latent attention (DeepSeek-V2/V3): queries through a rank-`q_lora_rank` projection (0: none), keys
// and values through one shared latent of `kv_lora_rank` values plus a `rope_head_dim` rotary key, which is all
// the KV cache holds; each head's key is head_dim + rope_head_dim wide and its value `v_head_dim`.
struct MlaSpec {
  int64_t q_lora_rank = 0;
  int64_t kv_lora_rank = 0;  // 0: standard (grouped-query) attention
  int64_t rope_head_dim = 0;
  int64_t v_head_dim = 0;
  bool enabled() const { return kv_lora_rank > 0; }
  // Values the KV cache holds per token and layer (shared by all heads).
  int64_t CacheElements() const { return kv_lora_rank + rope_head_dim; }
};

struct ModelSpec {
  std::string id;
  std::string name;
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t ffn_hidden = 0;  // 0 until resolved: 4 x hidden for gelu
  int64_t heads = 0;
  int64_t kv_heads = 0;  // 0 until resolved: heads
  int64_t head_dim = 0;  // 0 until resolved: hidden / heads
  int64_t vocab = 0;
  FfnKind ffn = FfnKind::kGelu;
  bool parallel_block = false;
  bool tied_embeddings = false;
  MoeSpec moe;
  MlaSpec mla;
  int64_t seq_len = 0;                     // informative: the pretraining sequence length
  std::optional<double> published_params;  // for tests of the parameter math
  std::optional<double> published_active_params;
  std::map<std::string, std::string> sources;
};

// Applies the keys present onto `model` (`preset` is handled by the caller), then fills derived defaults and
// checks consistency (e.g. heads divisible by kv_heads).
void ParseModel(YamlMap& map, ModelSpec& model);

}  // namespace fleetsim
