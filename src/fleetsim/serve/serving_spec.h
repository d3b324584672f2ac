// ServingSpec: the scenario's `serving:` section (DESIGN §3), validated against the cluster and the model: the
// precision of weights and KV cache, one model copy's shape (`replica`), the batching scheduler, the paged KV
// cache and chunked prefill. A copy that does not divide the cluster or whose weights do not fit in its memory
// is refused here, at the key's line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/catalog/model.h"
#include "fleetsim/core/precision.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

enum class BatchScheduler { kContinuous, kStatic };
enum class RouterPolicy { kLeastLoaded, kRoundRobin };

struct ServingSpec {
  Precision precision = Precision::kBf16;     // weights and GEMM inputs
  Precision kv_precision = Precision::kBf16;  // KV cache elements
  int tp = 1;
  int pp = 1;
  int ep = 1;
  // Data-parallel attention across the expert-parallel group (DeepSeek's, SGLang's and TensorRT-LLM's attention
  // DP): each device runs the attention, the dense layers and the shared experts for its own share of the tokens
  // and keeps their KV cache; tokens reach their routed experts and come back by all-to-all. False: every device
  // of the group runs every token's attention and the experts' outputs are summed by an all-reduce.
  bool attention_dp = false;
  BatchScheduler scheduler = BatchScheduler::kContinuous;
  RouterPolicy router = RouterPolicy::kLeastLoaded;
  std::optional<int64_t> max_batch;  // sequences in flight per copy; empty: as many as the KV cache holds
  int64_t max_tokens = 8192;         // tokens per iteration (prefill chunks + decodes) per copy
  bool chunked_prefill = true;       // false: a prompt prefills whole, in one iteration
  bool prefill_first = false;        // prompts prefill in iterations of their own, decodes wait (serving_stack.h)
  // A running batch takes new prompts every `admission_interval` decode iterations (0: whenever they fit), or
  // sooner when the queue holds `admission_queue_ratio` times the running sequences (0: never sooner).
  int64_t admission_interval = 0;
  double admission_queue_ratio = 0.0;
  double kv_fraction = 0.9;   // share of the memory left after weights and activations the KV cache takes
  int64_t block_tokens = 16;  // tokens per KV-cache block
  // Fixed host-side cost of one iteration (scheduling, sampling, kernel launches not overlapped). Documented in
  // docs/serve.md; one value, not per case.
  double iteration_overhead_s = 0.0;
  // Overlapped host time per returned token of one server process (serving_stack.h); 0: none.
  double host_seconds_per_token = 0.0;
  // The serving software stack (serving_stack.h) and the kernel efficiencies it sets; empty: the accelerator's
  // calibrated ones.
  std::string stack = "generic";
  std::optional<double> gemm_efficiency;
  std::optional<double> moe_gemm_efficiency;  // the experts' grouped GEMMs (serving_stack.h)
  std::optional<double> memory_efficiency;
  std::optional<double> decode_attention_efficiency;
  bool gqa_shared_kv_reads = true;
  std::optional<double> quantized_kv_read_bytes;  // per KV element below 16 bits (serving_stack.h)
  // Admission reserves KV blocks for the prompt and every output token (TensorRT-LLM's GUARANTEED_NO_EVICT), so
  // no running sequence is ever preempted; false: the prompt's only, growing while decoding (vLLM).
  bool kv_reserve_output = false;
  // Weight-only quantisation and dense per-slot KV caches, as the stack runs them (serving_stack.h).
  bool weight_only_quantization = false;
  bool dense_kv_cache = false;
  // Tokens of one slot's dense KV cache (`kv_cache.length`); empty: the longest request of the workload.
  std::optional<int64_t> kv_cache_length;

  // Disaggregated serving: the first `prefill_devices` devices form copies that only prefill; the rest decode.
  // A prompt's KV cache moves from its prefill copy to a decode copy over the link between them. 0: every copy
  // does both.
  int64_t prefill_devices = 0;

  int64_t ReplicaDevices() const { return static_cast<int64_t>(tp) * pp * ep; }
};

// Parses `serving:`; checks the copy against the cluster (divides the count) and the model (heads, layers,
// experts, weights in memory).
ServingSpec ParseServingSpec(YamlMap& map, const ClusterSpec& cluster, const ModelSpec& model);

// Bytes of one weight or KV element at a serving precision (fp4: half a byte).
double ServingElementBytes(Precision p);
// Weight bytes one device of the copy holds.
double WeightBytesPerDevice(const ModelSpec& model, const ServingSpec& serving);
// The serving precisions accepted by `serving.precision`.
const std::vector<std::string>& ServingPrecisionNames();
// Bytes per device kept for activations and workspace beside weights and KV cache.
double ActivationReserveBytes();

}  // namespace fleetsim
