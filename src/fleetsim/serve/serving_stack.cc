#include "fleetsim/serve/serving_stack.h"

#include <algorithm>

#include "fleetsim/catalog/embedded_data.h"
#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"

namespace fleetsim {
namespace {

constexpr const char* kFile = "data/serving_stacks.yaml";

ServingStack ParseServingStack(YamlMap& m) {
  ServingStack s;
  s.id = m.String("id");
  if (auto v = m.OptString("name")) s.name = *v;
  if (m.Has("default_for")) s.default_for = m.StringList("default_for");
  const Range share = {0.0, 1.0, true};
  if (m.Has("gemm_efficiency")) {
    if (m.node()["gemm_efficiency"].IsMap()) {
      YamlMap g = m.Map("gemm_efficiency");
      for (const char* p : {"all", "bf16", "fp16", "fp8", "int8", "fp4"}) {
        if (auto v = g.OptNumber(p, share)) s.gemm_efficiency[p] = *v;
      }
      g.Finish();
    } else {
      s.gemm_efficiency["all"] = m.Number("gemm_efficiency", share);
    }
  }
  if (auto g = m.OptMap("gemm_efficiency_by_accelerator")) {
    for (const auto& entry : g->node()) {
      const auto id = entry.first.as<std::string>();
      s.gemm_efficiency_by_accelerator[id] = g->Number(id, share);
    }
    g->Finish();
  }
  s.moe_gemm_efficiency = m.OptNumber("moe_gemm_efficiency", share);
  s.memory_efficiency = m.OptNumber("memory_efficiency", share);
  s.decode_attention_efficiency = m.OptNumber("decode_attention_efficiency", share);
  if (auto v = m.OptBool("gqa_shared_kv_reads")) s.gqa_shared_kv_reads = *v;
  s.quantized_kv_read_bytes = m.OptNumber("quantized_kv_read_bytes", Range::Between(1.0, 4.0));
  if (auto v = m.OptBool("kv_reserve_output")) s.kv_reserve_output = *v;
  if (auto v = m.OptBool("weight_only_quantization")) s.weight_only_quantization = *v;
  if (auto v = m.OptBool("dense_kv_cache")) s.dense_kv_cache = *v;
  if (auto v = m.OptBool("prefill_first")) s.prefill_first = *v;
  s.admission_interval = m.OptInteger("admission_interval", Range::Between(1, 10000));
  s.admission_queue_ratio = m.OptNumber("admission_queue_ratio", Range::Between(0.0, 100.0));
  s.iteration_overhead_s = m.OptQuantity("iteration_overhead", Dimension::kTime, Range::Between(0, 1));
  s.host_seconds_per_token = m.OptQuantity("host_time_per_token", Dimension::kTime, Range::Between(0, 0.01));
  s.kv_fraction = m.OptNumber("kv_fraction", share);
  if (m.Has("sources")) s.sources = m.StringMap("sources");
  m.Finish();
  return s;
}

std::vector<ServingStack> Load() {
  std::vector<ServingStack> out;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path != kFile) continue;
    YamlMap root = YamlMap::Parse(std::string(f.content), kFile);
    for (YamlMap& entry : root.MapList("serving_stacks")) out.push_back(ParseServingStack(entry));
    root.Has("notes");
    root.Finish();
  }
  if (std::none_of(out.begin(), out.end(), [](const ServingStack& s) { return s.id == "generic"; })) {
    throw InternalError(std::string(kFile) + " has no `generic` serving stack");
  }
  return out;
}

}  // namespace

std::optional<double> ServingStack::GemmEfficiency(const std::string& accelerator,
                                                   const std::string& precision) const {
  if (auto it = gemm_efficiency_by_accelerator.find(accelerator); it != gemm_efficiency_by_accelerator.end()) {
    return it->second;
  }
  for (const std::string& key : {precision, std::string("all")}) {
    if (auto it = gemm_efficiency.find(key); it != gemm_efficiency.end()) return it->second;
  }
  return std::nullopt;
}

const std::vector<ServingStack>& ServingStacks() {
  static const std::vector<ServingStack> stacks = Load();
  return stacks;
}

const ServingStack* FindServingStack(const std::string& id) {
  for (const ServingStack& s : ServingStacks()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const ServingStack& DefaultServingStack(const std::string& accelerator) {
  for (const ServingStack& s : ServingStacks()) {
    if (std::find(s.default_for.begin(), s.default_for.end(), accelerator) != s.default_for.end()) return s;
  }
  return *FindServingStack("generic");
}

std::vector<std::string> ServingStackIds() {
  std::vector<std::string> ids;
  for (const ServingStack& s : ServingStacks()) ids.push_back(s.id);
  return ids;
}

}  // namespace fleetsim
