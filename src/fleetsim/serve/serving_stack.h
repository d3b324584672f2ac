// ServingStack: the serving software a copy runs (TensorRT-LLM, vLLM, JetStream, Optimum Habana), reduced to the
// few switches that change its speed and its memory: the share of the chip's peaks its kernels reach, its
// host-side cost per iteration, how much memory it gives the KV cache and how many sequences it batches by
// default. Loaded from data/serving_stacks.yaml, each figure with its source; `serving.stack` names one, `auto`
// takes the accelerator's default. A figure a stack leaves out falls back to the accelerator's calibrated
// efficiency (data/calibration.yaml) or the serving default (docs/serve.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fleetsim {

struct ServingStack {
  std::string id;
  std::string name;
  std::vector<std::string> default_for;  // accelerators that run it when `stack: auto`
  // Share of a precision's dense peak a large GEMM reaches, by serving precision name ("fp8", "bf16", ...);
  // "all" for every precision the map does not name.
  std::map<std::string, double> gemm_efficiency;
  // The same for one accelerator, where the stack's kernels on it were measured apart (every precision).
  std::map<std::string, double> gemm_efficiency_by_accelerator;
  // The GEMM efficiency on an accelerator at a serving precision, if the stack states one.
  std::optional<double> GemmEfficiency(const std::string& accelerator, const std::string& precision) const;
  // Share of the precision's dense peak the mixture-of-experts GEMMs reach (grouped GEMMs over the experts' token
  // groups, with the routing, permutation and un-permutation around them); empty: the dense GEMMs' share.
  std::optional<double> moe_gemm_efficiency;
  // Share of HBM bandwidth reached streaming weights and activations.
  std::optional<double> memory_efficiency;
  // Share of HBM bandwidth the paged decode-attention kernel reaches reading the KV cache.
  std::optional<double> decode_attention_efficiency;
  // Whether the decode-attention kernel reads each KV head once for its whole group of query heads (grouped-
  // query attention as XQA and FlashDecoding do). False: once per query head (the KV heads repeated per query
  // head, as TensorRT-LLM's masked MHA kernel before XQA and Hugging Face's repeat_kv do), so GQA saves memory
  // but not decode bandwidth.
  bool gqa_shared_kv_reads = true;
  // Bytes the decode attention reads per element of a KV cache stored below 16 bits (int8, fp8): the element, its
  // scales and whatever a dequantisation to 16 bits writes and reads again on the way. Empty: the element's own
  // size (the kernel reads the quantised cache directly).
  std::optional<double> quantized_kv_read_bytes;
  // Admission reserves the KV blocks of the prompt and of every output token (TensorRT-LLM's default
  // GUARANTEED_NO_EVICT capacity scheduler): nothing is preempted, fewer sequences run. False: blocks grow with
  // decoding and the newest sequence is preempted when they run out (vLLM).
  bool kv_reserve_output = false;
  // Quantised weights are widened to 16 bits inside the GEMM (weight-only quantisation, W8A16): int8/int4 save
  // memory and weight bandwidth but compute at the 16-bit rate. False: the GEMMs run on the precision's own units.
  bool weight_only_quantization = false;
  // Each batch slot holds a dense KV cache of the full cache length (`serving.kv_cache.length`), and the decode
  // attention reads every position of it, masked, not only the filled ones (static-shape engines without ragged
  // or paged attention). False: paged blocks, and decode reads each sequence's own context.
  bool dense_kv_cache = false;
  // Waiting prompts are prefilled whole in iterations of their own while every decode waits (vLLM's scheduler
  // before chunked prefill). False: decodes and prefill chunks share each iteration.
  bool prefill_first = false;
  // New prompts join a running batch only every this many decode iterations, or sooner when the queue holds
  // `admission_queue_ratio` times the running sequences (Hugging Face TGI's router: --max-waiting-tokens and
  // --waiting-served-ratio). Empty: whenever they fit.
  std::optional<int64_t> admission_interval;
  std::optional<double> admission_queue_ratio;
  // Host-side seconds per iteration (scheduling, sampling, launch gaps).
  std::optional<double> iteration_overhead_s;
  // Host time per token the server hands back (sampling results pulled to the host, detokenised, routed to their
  // requests), overlapped with the accelerators: one server process drives one host's accelerators, so the copies
  // on a host share it, and an iteration lasts at least its tokens' host time. Empty: none.
  std::optional<double> host_seconds_per_token;
  // Share of the memory left after weights and activations the KV cache takes.
  std::optional<double> kv_fraction;
  std::map<std::string, std::string> sources;
};

// Every stack of data/serving_stacks.yaml, in file order (parsed once).
const std::vector<ServingStack>& ServingStacks();
// The stack with that id, or nullptr.
const ServingStack* FindServingStack(const std::string& id);
// The stack an accelerator runs by default (the `generic` one when none names it).
const ServingStack& DefaultServingStack(const std::string& accelerator);
std::vector<std::string> ServingStackIds();

}  // namespace fleetsim
