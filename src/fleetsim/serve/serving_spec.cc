#include "fleetsim/serve/serving_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetsim/core/error.h"
#include "fleetsim/core/yaml_map.h"
#include "fleetsim/serve/serving_stack.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {
namespace {

// Host-side cost of one serving iteration (scheduler, sampling, launch gaps the CUDA graphs do not hide). One
// value for every stack, calibrated on the calibration rows of validation/inference.csv (docs/serve.md).
constexpr double kDefaultIterationOverheadS = 2e-3;

// Activations and workspace a serving copy keeps beside weights and KV cache, per device: a few GiB for the
// largest token budgets (vLLM profiles about 1-4 GB); taken as a fixed 2 GB.
constexpr double kActivationReserveBytes = 2e9;

}  // namespace

const std::vector<std::string>& ServingPrecisionNames() {
  static const std::vector<std::string> names = {"bf16", "fp16", "fp8", "int8", "fp4", "int4"};
  return names;
}

double ServingElementBytes(Precision p) {
  switch (p) {
    case Precision::kFp32:
      return 4.0;
    case Precision::kFp16:
    case Precision::kBf16:
      return 2.0;
    case Precision::kFp8:
    case Precision::kMxfp8:
    case Precision::kInt8:
      return 1.0;
    case Precision::kFp4:
    case Precision::kInt4:
      return 0.5;
  }
  return 2.0;
}

double WeightBytesPerDevice(const ModelSpec& model, const ServingSpec& s) {
  const ParamCounts p = CountParams(model);
  // Layers split over pipeline stages, each layer's matrices over tp (and experts over ep); embeddings and
  // logits stay 16-bit and are split over tp.
  const double layer_params = p.LayerParams(0, model.layers);
  const double per_device_layers = layer_params / (static_cast<double>(s.tp) * s.pp * s.ep);
  const double head = (p.embedding + p.logits) / s.tp;
  return per_device_layers * ServingElementBytes(s.precision) + head * 2.0;
}

ServingSpec ParseServingSpec(YamlMap& m, const ClusterSpec& cluster, const ModelSpec& model) {
  ServingSpec s;
  if (auto v = m.OptChoice("precision", ServingPrecisionNames())) s.precision = *ParsePrecision(*v);
  // KV cache: fp8 under fp4 weights (TensorRT-LLM's NVFP4 recipes), 16 bits under int4 weight-only (AWQ, GPTQ).
  s.kv_precision = s.precision == Precision::kFp4    ? Precision::kFp8
                   : s.precision == Precision::kInt4 ? Precision::kBf16
                                                     : s.precision;
  if (auto v = m.OptChoice("kv_precision", ServingPrecisionNames())) s.kv_precision = *ParsePrecision(*v);
  const int replica_line = m.LineOf("replica");
  if (auto r = m.OptMap("replica")) {
    const Range degree = Range::Between(1, 1e6);
    if (auto v = r->OptInteger("tp", degree)) s.tp = static_cast<int>(*v);
    if (auto v = r->OptInteger("pp", degree)) s.pp = static_cast<int>(*v);
    if (auto v = r->OptInteger("ep", degree)) s.ep = static_cast<int>(*v);
    if (auto v = r->OptChoice("attention", {"tensor-parallel", "data-parallel"})) {
      s.attention_dp = *v == "data-parallel";
      if (s.attention_dp && s.ep <= 1) {
        r->Fail("attention",
                "data-parallel attention spreads the tokens over an expert-parallel group: give ep > 1");
      }
    }
    r->Finish();
    if (model.heads % s.tp != 0) {
      r->Fail("tp", fmt::format("model heads {} are not divisible by tp {}", model.heads, s.tp));
    }
    if (s.pp > model.layers) {
      r->Fail("pp", fmt::format("{} pipeline stages for {} layers: each stage needs a layer", s.pp, model.layers));
    }
    if (s.ep > 1 && (!model.moe.enabled() || model.moe.experts % s.ep != 0)) {
      r->Fail("ep", fmt::format("ep {} needs a mixture-of-experts model whose experts it divides", s.ep));
    }
  }
  if (cluster.count % s.ReplicaDevices() != 0) {
    m.Fail("replica", fmt::format("a copy of tp*pp*ep = {} devices does not divide cluster.count {}; the count "
                                  "must be a whole number of copies",
                                  s.ReplicaDevices(), cluster.count));
  }
  if (auto v = m.OptChoice("scheduler", {"continuous", "static"})) {
    s.scheduler = *v == "static" ? BatchScheduler::kStatic : BatchScheduler::kContinuous;
  }
  if (auto v = m.OptChoice("router", {"least-loaded", "round-robin"})) {
    s.router = *v == "round-robin" ? RouterPolicy::kRoundRobin : RouterPolicy::kLeastLoaded;
  }
  s.max_batch = m.OptIntegerOrAuto("max_batch", Range::Between(1, 1e6));
  if (m.Has("chunked_prefill")) {
    const YAML::Node node = m.node()["chunked_prefill"];
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    if (text == "off" || text == "false") {
      s.chunked_prefill = false;
    } else if (text != "auto" && text != "on" && text != "true") {
      s.max_tokens = m.Integer("chunked_prefill", Range::Between(16, 1e6));
    }
  }
  if (auto v = m.OptInteger("max_tokens", Range::Between(16, 1e6))) s.max_tokens = *v;
  bool kv_fraction_given = false;
  if (auto kv = m.OptMap("kv_cache")) {
    if (kv->Has("fraction") && !(kv->node()["fraction"].IsScalar() && kv->node()["fraction"].Scalar() == "auto")) {
      s.kv_fraction = kv->Number("fraction", {0.0, 1.0, true});
      kv_fraction_given = true;
    }
    if (auto v = kv->OptInteger("block_tokens", Range::Between(1, 4096))) s.block_tokens = *v;
    s.kv_cache_length = kv->OptInteger("length", Range::Between(16, 1e7));
    kv->Finish();
  }
  const ServingStack* stack = &DefaultServingStack(cluster.accelerator.id);
  if (auto v = m.OptString("stack"); v && *v != "auto") {
    stack = FindServingStack(*v);
    if (!stack) {
      m.Fail("stack",
             fmt::format("unknown serving stack '{}'; known: auto, {}", *v, fmt::join(ServingStackIds(), ", ")));
    }
  }
  s.stack = stack->id;
  s.gemm_efficiency = stack->GemmEfficiency(cluster.accelerator.id, std::string(PrecisionName(s.precision)));
  s.moe_gemm_efficiency = stack->moe_gemm_efficiency;
  s.memory_efficiency = stack->memory_efficiency;
  s.decode_attention_efficiency = stack->decode_attention_efficiency;
  s.gqa_shared_kv_reads = stack->gqa_shared_kv_reads;
  s.quantized_kv_read_bytes = stack->quantized_kv_read_bytes;
  s.kv_reserve_output = stack->kv_reserve_output;
  s.weight_only_quantization = stack->weight_only_quantization;
  s.dense_kv_cache = stack->dense_kv_cache;
  // A stack that prefills first runs prompts whole; a `chunked_prefill` the scenario states wins over it.
  if (stack->prefill_first && !m.Has("chunked_prefill")) {
    s.prefill_first = true;
    s.chunked_prefill = false;
  }
  if (!kv_fraction_given && stack->kv_fraction) s.kv_fraction = *stack->kv_fraction;
  s.admission_interval = stack->admission_interval.value_or(0);
  s.admission_queue_ratio = stack->admission_queue_ratio.value_or(0.0);
  s.host_seconds_per_token = stack->host_seconds_per_token.value_or(0.0);
  s.iteration_overhead_s = m.OptQuantity("iteration_overhead", Dimension::kTime, Range::Between(0, 10))
                               .value_or(stack->iteration_overhead_s.value_or(kDefaultIterationOverheadS));
  if (auto d = m.OptMap("disaggregation")) {
    if (auto v = d->OptInteger("prefill_devices", Range::NonNegative())) {
      s.prefill_devices = *v;
      if (*v > 0 && (*v % s.ReplicaDevices() != 0 || *v >= cluster.count)) {
        d->Fail("prefill_devices",
                fmt::format("{} prefill devices: a whole number of copies of tp*pp*ep = {} devices, leaving at "
                            "least one copy of the {} to decode",
                            *v, s.ReplicaDevices(), cluster.count));
      }
      if (*v > 0 && s.scheduler == BatchScheduler::kStatic) {
        d->Fail("prefill_devices", "disaggregated pools run continuous batching; use scheduler: continuous");
      }
    }
    d->Finish();
  }
  m.Finish();

  const double weights = WeightBytesPerDevice(model, s);
  const double usable = cluster.accelerator.memory_capacity.value() - kActivationReserveBytes;
  if (weights >= usable) {
    throw InputError(m.file(), replica_line,
                     fmt::format("{} at {} needs {:.1f} GB of weights per device in a copy of tp*pp*ep = {}, but "
                                 "{} holds {:.1f} GB usable ({:.0f} GB less a 2 GB activation reserve); {:.1f} GB "
                                 "missing: use a larger copy or a narrower precision",
                                 model.id, PrecisionName(s.precision), weights / 1e9, s.ReplicaDevices(),
                                 cluster.accelerator.id, usable / 1e9,
                                 cluster.accelerator.memory_capacity.value() / 1e9, (weights - usable) / 1e9));
  }
  return s;
}

double ActivationReserveBytes() { return kActivationReserveBytes; }

}  // namespace fleetsim
