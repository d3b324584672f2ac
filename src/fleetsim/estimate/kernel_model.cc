#include "fleetsim/estimate/kernel_model.h"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {

// Tensor-core GEMMs compute whole output tiles; 128 is the common CTA tile edge on current GPUs. Along the rows
// (the tokens) the libraries also have 64-row tiles, one warpgroup's MMA on Hopper (wgmma m64), which their
// heuristics pick for a skinny GEMM when a 128-row tile would waste more: a decode batch of 167 tokens computes
// 192 rows, not 256.
constexpr double kTile = 128.0;
constexpr double kRowTile = 64.0;
// Weight-only kernels are built for decode's few rows (batched GEMV, AWQ/GPTQ kernels): their row tile is one
// MMA instruction's 16 rows, not a 128-row CTA tile.
constexpr double kWeightOnlyRowTile = 16.0;

double RoundUp(double x, double step) { return std::ceil(x / step) * step; }

// Share of a fused attention kernel's rate left when each query tile sweeps `keys` key positions: the tile's
// prologue and epilogue cost about two 128-key blocks of work.
constexpr double kAttentionTileOverheadKeys = 256.0;
double TileShare(double keys) { return keys / (keys + kAttentionTileOverheadKeys); }

// A fused attention backward reaches less of the peak than its forward: on H100 (head dim 128, 8k-16k tokens)
// 318/370 TFLOP/s for FlashAttention-2, 518/600 for cuDNN and 559/646 for FlashAttention-3 (Shah et al. 2024,
// FlashAttention-3, Figures 5 and 6; backward counted as 2.5x the forward FLOPs): 0.86 of the forward rate for
// all three.
constexpr double kAttentionBackwardShare = 0.86;

}  // namespace

KernelModel::KernelModel(const Accelerator& acc, Precision precision, const StackSpec& stack)
    : efficiency_(acc.efficiency), fused_attention_(stack.fused_attention) {
  const Precision wide = precision == Precision::kFp32 ? Precision::kFp32 : Precision::kBf16;
  wide_rate_ = acc.Peak(wide) * efficiency_.matmul;
  wide_bytes_ = OperandBytes(wide);
  // A quantised precision runs on its own matrix units at its own efficiency; a chip without those units
  // runs the GEMMs at the 16-bit rate (the casts are still paid, see LayerCostModel).
  matmul_rate_ = wide_rate_;
  operand_bytes_ = wide_bytes_;
  auto quantised = [&](const std::optional<FlopRate>& peak, double efficiency) {
    if (!peak) return;
    matmul_rate_ = *peak * efficiency;
    operand_bytes_ = OperandBytes(precision);
  };
  switch (precision) {
    case Precision::kFp8:
    case Precision::kMxfp8:
      quantised(acc.peak_fp8, efficiency_.fp8_matmul);
      break;
    case Precision::kInt8:
      quantised(acc.peak_int8, efficiency_.int8_matmul);
      break;
    case Precision::kFp4:
      quantised(acc.peak_fp4, efficiency_.fp4_matmul);
      if (!acc.peak_fp4) quantised(acc.peak_fp8, efficiency_.fp8_matmul);
      break;
    default:
      matmul_rate_ = acc.Peak(precision) * efficiency_.matmul;
      operand_bytes_ = OperandBytes(precision);
      break;
  }
  // The stack's named kernel at its measured efficiency on this accelerator, else the calibrated figure.
  const auto kernel = efficiency_.attention_kernels.find(stack.attention_kernel);
  attention_rate_ =
      acc.Peak(wide) * (kernel != efficiency_.attention_kernels.end() ? kernel->second : efficiency_.attention);
  memory_rate_ = acc.memory_bandwidth * efficiency_.memory;
}

Seconds KernelModel::GemmAt(double m, double n, double k, FlopRate rate, double a_bytes, double b_bytes,
                            double row_tile) const {
  if (m <= 0 || n <= 0 || k <= 0) return Seconds(0);
  const Flops work(2.0 * RoundUp(m, row_tile) * RoundUp(n, kTile) * k);
  const Bytes traffic(m * k * a_bytes + k * n * b_bytes + m * n * 2.0);
  return std::max(work / rate, traffic / memory_rate_) + efficiency_.kernel_overhead;
}

Seconds KernelModel::Gemm(double m, double n, double k) const {
  return GemmAt(m, n, k, matmul_rate_, operand_bytes_, operand_bytes_, kRowTile);
}

Seconds KernelModel::WideGemm(double m, double n, double k) const {
  return GemmAt(m, n, k, wide_rate_, wide_bytes_, wide_bytes_, kRowTile);
}

Seconds KernelModel::WeightOnlyGemm(double m, double n, double k, double weight_bytes) const {
  return GemmAt(m, n, k, wide_rate_, wide_bytes_, weight_bytes, kWeightOnlyRowTile);
}

Seconds KernelModel::AttentionForward(double batch_heads, double queries, double keys, double dim, bool causal,
                                      double calls) const {
  const double pairs = queries * keys * (causal ? 0.5 : 1.0);
  const Flops work(4.0 * batch_heads * pairs * dim);
  return work / (attention_rate_ * TileShare(keys / calls)) + efficiency_.kernel_overhead * calls;
}

Seconds KernelModel::AttentionBackward(double batch_heads, double queries, double keys, double dim, bool causal,
                                       double calls) const {
  const double pairs = queries * keys * (causal ? 0.5 : 1.0);
  const Flops work(2.5 * 4.0 * batch_heads * pairs * dim);
  return work / (attention_rate_ * (kAttentionBackwardShare * TileShare(keys / calls))) +
         efficiency_.kernel_overhead * calls;
}

Seconds KernelModel::UnfusedAttentionForward(double batch_heads, double queries, double keys, double dim,
                                             bool dropout) const {
  const double scores = batch_heads * queries * keys;
  // QK^T writes the scores; softmax reads and writes them; dropout reads, writes and stores a 1-byte mask; the
  // value product reads the probabilities. 16-bit elements.
  const double passes = 2.0 + 4.0 + (dropout ? 5.0 : 0.0) + 2.0;
  const Flops work(4.0 * scores * dim);
  return work / attention_rate_ + Bytes(passes * scores) / memory_rate_ + efficiency_.kernel_overhead * 4.0;
}

Seconds KernelModel::UnfusedAttentionBackward(double batch_heads, double queries, double keys, double dim,
                                              bool dropout) const {
  const double scores = batch_heads * queries * keys;
  const double passes = 2.0 * (2.0 + 4.0 + (dropout ? 5.0 : 0.0) + 2.0);
  const Flops work(8.0 * scores * dim);
  return work / attention_rate_ + Bytes(passes * scores) / memory_rate_ + efficiency_.kernel_overhead * 6.0;
}

Seconds KernelModel::Elementwise(Bytes bytes) const { return bytes / memory_rate_ + efficiency_.kernel_overhead; }

}  // namespace fleetsim
