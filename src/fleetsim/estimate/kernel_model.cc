#include "fleetsim/estimate/kernel_model.h"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {

// Tensor-core GEMMs compute whole output tiles; 128 is the common CTA tile edge on current GPUs.
constexpr double kTile = 128.0;

double RoundUp(double x, double step) { return std::ceil(x / step) * step; }

}  // namespace

KernelModel::KernelModel(const Accelerator& acc, Precision precision) : efficiency_(acc.efficiency) {
  const bool fp8 = precision == Precision::kFp8 && acc.peak_fp8.has_value();
  const double matmul_eff = fp8 ? efficiency_.fp8_matmul : efficiency_.matmul;
  matmul_rate_ = acc.Peak(precision) * matmul_eff;
  const Precision attention_precision = precision == Precision::kFp32 ? Precision::kFp32 : Precision::kBf16;
  attention_rate_ = acc.Peak(attention_precision) * efficiency_.attention;
  memory_rate_ = acc.memory_bandwidth * efficiency_.memory;
  operand_bytes_ = fp8 ? 1.0 : (precision == Precision::kFp32 ? 4.0 : 2.0);
}

Seconds KernelModel::Gemm(double m, double n, double k) const {
  if (m <= 0 || n <= 0 || k <= 0) return Seconds(0);
  const Flops work(2.0 * RoundUp(m, kTile) * RoundUp(n, kTile) * k);
  const Bytes traffic((m * k + k * n) * operand_bytes_ + m * n * 2.0);
  return std::max(work / matmul_rate_, traffic / memory_rate_) + efficiency_.kernel_overhead;
}

Seconds KernelModel::AttentionForward(double batch_heads, double queries, double keys, double dim,
                                      bool causal) const {
  const double pairs = queries * keys * (causal ? 0.5 : 1.0);
  const Flops work(4.0 * batch_heads * pairs * dim);
  return work / attention_rate_ + efficiency_.kernel_overhead;
}

Seconds KernelModel::AttentionBackward(double batch_heads, double queries, double keys, double dim,
                                       bool causal) const {
  const double pairs = queries * keys * (causal ? 0.5 : 1.0);
  const Flops work(2.5 * 4.0 * batch_heads * pairs * dim);
  return work / attention_rate_ + efficiency_.kernel_overhead;
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
