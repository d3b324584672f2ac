#include "fleetsim/catalog/stack.h"

#include "fleetsim/catalog/accelerator.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

void ParseStack(YamlMap& m, StackSpec& s) {
  if (auto v = m.OptString("id")) s.id = *v;
  if (auto v = m.OptString("name")) s.name = *v;
  if (m.Has("default_for")) s.default_for = m.StringList("default_for");
  if (m.Has("match")) s.match = m.StringList("match");
  if (auto v = m.OptBool("fused_attention")) s.fused_attention = *v;
  if (auto v = m.OptChoice("attention_kernel",
                           std::vector<std::string>(kAttentionKernels.begin(), kAttentionKernels.end()))) {
    s.attention_kernel = *v;
  }
  if (auto v = m.OptBool("tp_overlap")) s.tp_overlap = *v;
  if (auto v = m.OptChoice("cp_exchange", {"ring", "all-gather"})) s.cp_all_gather = *v == "all-gather";
  if (auto v = m.OptBool("dp_overlap")) s.dp_overlap = *v;
  if (auto v = m.OptBool("pp_overlap")) s.pp_overlap = *v;
  if (auto v = m.OptChoice("pipeline_schedule", {"1f1b", "gpipe"})) s.gpipe_schedule = *v == "gpipe";
  if (auto v = m.OptBool("ep_overlap")) s.ep_overlap = *v;
  if (auto v = m.OptChoice("gradients", {"fp32", "bf16"})) s.gradient_bytes = *v == "fp32" ? 4.0 : 2.0;
  if (auto v = m.OptChoice("gradient_accumulation", {"sharded", "full"})) {
    s.sharded_gradient_accumulation = *v == "sharded";
  }
  if (auto v = m.OptBool("quantized_saved_inputs")) s.quantized_saved_inputs = *v;
  if (auto v = m.OptBool("quantized_param_gather")) s.quantized_param_gather = *v;
  if (auto v = m.OptNumber("quantized_weight_cache", Range::Between(0, 4))) s.quantized_weight_cache = *v;
  if (auto v = m.OptNumber("jitter", Range::Between(0, 0.5))) s.jitter = *v;
  if (m.Has("sources")) s.sources = m.StringMap("sources");
}

}  // namespace fleetsim
