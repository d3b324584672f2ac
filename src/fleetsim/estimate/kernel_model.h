// The compute-time model of one device: how long a matrix multiply, a fused attention kernel or an element-wise
// pass takes on an accelerator, from its datasheet peaks and a few calibrated efficiency parameters
// (ComputeEfficiency in catalog/accelerator.h; docs/estimator.md explains each). A roofline per kernel: the larger
// of compute time at the achievable fraction of peak and memory time at the achievable HBM bandwidth, plus a fixed
// per-kernel overhead, with matrix dimensions rounded up to whole tiles.
#pragma once

#include "fleetsim/catalog/accelerator.h"
#include "fleetsim/catalog/stack.h"
#include "fleetsim/core/precision.h"
#include "fleetsim/core/units.h"

namespace fleetsim {

class KernelModel {
 public:
  KernelModel(const Accelerator& accelerator, Precision precision, const StackSpec& stack);

  // C[m x n] = A[m x k] B[k x n] at the training precision (quantised precisions: the transformer layers' GEMMs).
  Seconds Gemm(double m, double n, double k) const;
  // The same at 16 bits: the GEMMs quantised training keeps wide (the logits layer).
  Seconds WideGemm(double m, double n, double k) const;
  // Weight-only quantisation (W8A16, W4A16): B, the weights, is stored at `weight_bytes` per element and widened
  // as it is loaded, so the product runs at the 16-bit rate while the weights stream at their stored size; rows
  // are rounded to 16 (GEMV-shaped kernels), not to a 128-row tile.
  Seconds WeightOnlyGemm(double m, double n, double k, double weight_bytes) const;
  // Fused (flash) attention forward over `batch_heads` heads, `queries` x `keys` positions, head dimension `dim`;
  // `causal` skips the masked half. Runs at 16-bit precision even in fp8 training. `calls` kernels share the
  // work, each over keys / calls key positions (context parallelism's ring steps): every query tile of a call
  // pays a fixed prologue and epilogue (load Q, rescale and write O) worth two 128-key blocks of work, so short
  // key ranges run at keys_per_call / (keys_per_call + 256) of the kernel's rate.
  Seconds AttentionForward(double batch_heads, double queries, double keys, double dim, bool causal,
                           double calls = 1) const;
  // Attention backward: recomputes the scores, then three products; 2.5x the forward work, at
  // kAttentionBackwardShare of the forward kernel's rate.
  Seconds AttentionBackward(double batch_heads, double queries, double keys, double dim, bool causal,
                            double calls = 1) const;
  // Unfused attention (scores materialised in HBM): two batched GEMMs over all s x s pairs (masked ones too),
  // a fused scale-mask-softmax pass and, with `dropout`, a dropout pass. Backward: twice the GEMMs and passes.
  Seconds UnfusedAttentionForward(double batch_heads, double queries, double keys, double dim, bool dropout) const;
  Seconds UnfusedAttentionBackward(double batch_heads, double queries, double keys, double dim,
                                   bool dropout) const;
  bool fused_attention() const { return fused_attention_; }
  // An element-wise pass that reads and writes `bytes` in total.
  Seconds Elementwise(Bytes bytes) const;
  Seconds kernel_overhead() const { return efficiency_.kernel_overhead; }
  // The rate a fused attention kernel computes at (the stack's named kernel, else the calibrated share).
  FlopRate attention_rate() const { return attention_rate_; }

 private:
  Seconds GemmAt(double m, double n, double k, FlopRate rate, double a_bytes, double b_bytes,
                 double row_tile) const;

  FlopRate matmul_rate_;     // achievable GEMM rate at the training precision
  FlopRate wide_rate_;       // achievable 16-bit (or fp32) GEMM rate
  FlopRate attention_rate_;  // achievable fused-attention rate (16-bit)
  Bandwidth memory_rate_;    // achievable HBM bandwidth
  double operand_bytes_;     // bytes per GEMM operand element
  double wide_bytes_;        // the same at 16 bits (or fp32)
  ComputeEfficiency efficiency_;
  bool fused_attention_;
};

}  // namespace fleetsim
