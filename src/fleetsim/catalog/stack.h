// StackSpec: the software stack a training job runs on (Megatron-LM 2021, NeMo 24.09, MaxText, ...), as the few
// physical switches that change its time and memory: which communication it overlaps with compute, whether it
// fuses attention, the precision of its gradient buffers and reductions, what it keeps in 8 bits under fp8 or
// int8 training, and how much a device's step time varies (stragglers). Loaded from data/stacks.yaml, each
// switch with its source; a scenario names one with `training.stack` or gets its accelerator's default.
// Kernel efficiencies are not here: they belong to the accelerator (ComputeEfficiency), calibrated on runs of
// the stack each source really used.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fleetsim {

class YamlMap;

struct StackSpec {
  std::string id;
  std::string name;
  // Accelerators that run this stack when a scenario names none.
  std::vector<std::string> default_for;
  // Phrases that identify the stack in a published run's description (e.g. "ngc24.09", "Megatron-LM"); used to
  // give validation rows the stack their source ran.
  std::vector<std::string> match;

  // Attention as one fused kernel (FlashAttention, cuDNN): no s x s score matrix in HBM.
  bool fused_attention = true;
  // The fused-attention kernel the stack runs (one of kAttentionKernels), where its source says; empty: the
  // accelerator's calibrated `attention` efficiency.
  std::string attention_kernel;
  // Tensor-parallel all-gather/reduce-scatter pipelined with the adjacent GEMMs in tp chunks (Transformer
  // Engine userbuffers, XLA collective matmul); needs sequence parallelism. Only the first chunk and what the
  // GEMM cannot cover stay exposed.
  bool tp_overlap = false;
  // Context parallelism's key/value exchange. Ring (Megatron's, the default): cp - 1 steps, each overlapped with
  // the attention kernel over the block it brought, partial results merged step by step. All-gather (Meta's
  // Llama 3): the keys and values of the whole sequence gathered before one attention kernel and their
  // gradients reduce-scattered after the backward, both exposed, nothing to merge.
  bool cp_all_gather = false;
  // Data-parallel gradient reduce-scatter in buckets during the last backward and parameter all-gather during
  // the first forward (Megatron's overlap_grad_reduce / overlap_param_gather, FSDP prefetch). False: after.
  bool dp_overlap = true;
  // Pipeline sends and receives run asynchronously, hidden behind other micro-batches' compute in steady state.
  // False: each model chunk's transfer is waited for (Megatron-LM's 2021 schedule), so interleaving pays vpp
  // transfers per micro-batch.
  bool pp_overlap = true;
  // The pipeline runs every micro-batch's forward before any backward (GPipe): JAX/XLA pipelines (MaxText,
  // Praxis) are a loop over pipeline iterations differentiated as a whole, so each stage holds the activations
  // of all its micro-batches at once, not the pipeline depth's worth that 1F1B holds. The bubble is the same.
  bool gpipe_schedule = false;
  // Expert-parallel dispatch and combine all-to-all of one micro-batch run while another micro-batch computes
  // (DeepSeek-V3's DualPipe, Megatron-Core's overlapped MoE all-to-all): only what exceeds a MoE layer's compute
  // stays exposed. Needs two micro-batches in flight. False: every all-to-all is waited for.
  bool ep_overlap = false;
  // Bytes per gradient value in the gradient buffer and the data-parallel reduction (4: fp32 main gradients;
  // 2: reduced in bf16/fp16).
  double gradient_bytes = 4.0;
  // With ZeRO stage 2 or 3 and several micro-batches per step: true, every micro-batch's gradients are
  // reduce-scattered into the local shard during its backward (DeepSpeed ZeRO-2/3, JAX FSDP), so gradients stay
  // sharded in memory but the reduction runs once per micro-batch; false, full-size gradients accumulate across
  // the micro-batches and are reduce-scattered once per step (PyTorch FSDP's no_sync, Meta's fp32 accumulation).
  bool sharded_gradient_accumulation = true;
  // Under quantised training (fp8, int8, fp4): the GEMM inputs saved for backward are kept in 8 bits.
  bool quantized_saved_inputs = false;
  // Under quantised training: the distributed optimizer all-gathers 8-bit parameters.
  bool quantized_param_gather = false;
  // Under quantised training: bytes per local parameter of cached 8-bit weight copies (weight and transpose).
  double quantized_weight_cache = 0.0;
  // Coefficient of variation of one device's step time: the step waits for the slowest of the devices it
  // synchronises (expected maximum of n draws).
  double jitter = 0.0;
  std::map<std::string, std::string> sources;
};

// Reads a `stacks:` entry onto `stack` (every key optional).
void ParseStack(YamlMap& map, StackSpec& stack);

}  // namespace fleetsim
