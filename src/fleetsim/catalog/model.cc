#include "fleetsim/catalog/model.h"

#include <fmt/format.h>

#include <utility>

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

void ParseModel(YamlMap& m, ModelSpec& model) {
  const Range count = Range::Between(1, 1e9);
  if (auto v = m.OptString("id")) model.id = *v;
  if (auto v = m.OptString("name")) model.name = *v;
  if (auto v = m.OptInteger("layers", count)) model.layers = *v;
  if (auto v = m.OptInteger("hidden", count)) model.hidden = *v;
  if (auto v = m.OptInteger("ffn_hidden", count)) model.ffn_hidden = *v;
  if (auto v = m.OptInteger("heads", count)) model.heads = *v;
  if (auto v = m.OptInteger("kv_heads", count)) model.kv_heads = *v;
  if (auto v = m.OptInteger("head_dim", count)) model.head_dim = *v;
  if (auto v = m.OptInteger("vocab", count)) model.vocab = *v;
  if (auto v = m.OptChoice("ffn", {"swiglu", "gelu"}))
    model.ffn = *v == "swiglu" ? FfnKind::kSwiglu : FfnKind::kGelu;
  if (auto v = m.OptBool("parallel_block")) model.parallel_block = *v;
  if (auto v = m.OptBool("tied_embeddings")) model.tied_embeddings = *v;
  if (auto moe = m.OptMap("moe")) {
    const Range n = Range::Between(0, 1e6);
    if (auto v = moe->OptInteger("experts", n)) model.moe.experts = *v;
    if (auto v = moe->OptInteger("top_k", n)) model.moe.top_k = *v;
    if (auto v = moe->OptInteger("expert_ffn_hidden", n)) model.moe.expert_ffn_hidden = *v;
    if (auto v = moe->OptInteger("shared_experts", n)) model.moe.shared_experts = *v;
    if (auto v = moe->OptInteger("dense_layers", n)) model.moe.dense_layers = *v;
    moe->Finish();
  }
  if (auto mla = m.OptMap("mla")) {
    const Range n = Range::Between(0, 1e6);
    if (auto v = mla->OptInteger("q_lora_rank", n)) model.mla.q_lora_rank = *v;
    if (auto v = mla->OptInteger("kv_lora_rank", Range::Between(1, 1e6))) model.mla.kv_lora_rank = *v;
    if (auto v = mla->OptInteger("rope_head_dim", n)) model.mla.rope_head_dim = *v;
    if (auto v = mla->OptInteger("v_head_dim", n)) model.mla.v_head_dim = *v;
    if (model.mla.kv_lora_rank <= 0) mla->Fail("kv_lora_rank", "missing: the latent's width (DeepSeek-V3: 512)");
    mla->Finish();
  }
  if (auto v = m.OptInteger("seq_len", count)) model.seq_len = *v;
  if (auto v = m.OptNumber("params", Range::Positive())) model.published_params = *v;
  if (auto v = m.OptNumber("active_params", Range::Positive())) model.published_active_params = *v;
  if (m.Has("sources")) model.sources = m.StringMap("sources");

  const std::pair<const char*, int64_t> required[] = {
      {"layers", model.layers}, {"hidden", model.hidden}, {"heads", model.heads}, {"vocab", model.vocab}};
  for (const auto& [key, value] : required) {
    if (value <= 0) m.Fail(key, "missing: give it, or a `preset` from the catalog (fleetsim catalog models)");
  }
  if (model.ffn_hidden <= 0) {
    if (model.ffn == FfnKind::kSwiglu) m.Fail("ffn_hidden", "a swiglu model needs ffn_hidden");
    model.ffn_hidden = 4 * model.hidden;
  }
  if (model.kv_heads <= 0) model.kv_heads = model.heads;
  if (model.head_dim <= 0) {
    if (model.hidden % model.heads != 0) {
      m.Fail("heads",
             fmt::format("hidden {} is not divisible by heads {}; give head_dim", model.hidden, model.heads));
    }
    model.head_dim = model.hidden / model.heads;
  }
  if (model.heads % model.kv_heads != 0) {
    m.Fail("kv_heads", fmt::format("heads {} must be a multiple of kv_heads {}", model.heads, model.kv_heads));
  }
  if (model.mla.enabled()) {
    if (model.mla.v_head_dim <= 0) model.mla.v_head_dim = model.head_dim;
    if (model.kv_heads != model.heads) {
      m.Fail("kv_heads",
             "latent attention (mla) gives every head its own key and value: kv_heads must equal heads");
    }
  }
  if (model.moe.enabled()) {
    if (model.moe.top_k <= 0 || model.moe.top_k > model.moe.experts) {
      m.Fail("moe", fmt::format("moe.top_k must be between 1 and experts ({})", model.moe.experts));
    }
    if (model.moe.expert_ffn_hidden <= 0) model.moe.expert_ffn_hidden = model.ffn_hidden;
    if (model.moe.dense_layers >= model.layers) m.Fail("moe", "moe.dense_layers must be fewer than layers");
  }
}

}  // namespace fleetsim
