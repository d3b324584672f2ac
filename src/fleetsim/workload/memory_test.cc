#include "fleetsim/workload/memory.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fleetsim/catalog/catalog.h"

namespace fleetsim {
namespace {

ModelSpec Gpt(int64_t layers, int64_t hidden, int64_t heads) {
  ModelSpec m;
  m.layers = layers;
  m.hidden = hidden;
  m.heads = heads;
  m.kv_heads = heads;
  m.head_dim = hidden / heads;
  m.ffn_hidden = 4 * hidden;
  m.vocab = 51200;
  m.ffn = FfnKind::kGelu;
  return m;
}

// Korthikanti et al. MLSys'23 eq. 2-6: with tensor and sequence parallelism and selective recomputation a GPT
// layer stores 34*s*b*h/t bytes; with full recomputation 2*s*b*h/t (the layer input).
TEST(Memory, ActivationsMatchKorthikanti) {
  const ModelSpec m = Gpt(96, 12288, 96);
  Plan plan;
  plan.tp = 8;
  plan.sequence_parallel = true;
  plan.micro_batch = 1;
  plan.recompute = Recompute::kSelective;
  const double s = 2048, b = 1, h = 12288, t = 8;
  EXPECT_NEAR(LayerActivationBytes(m, plan, 2048, Precision::kBf16).value(), 34.0 * s * b * h / t, 1.0);
  plan.recompute = Recompute::kFull;
  EXPECT_NEAR(LayerActivationBytes(m, plan, 2048, Precision::kBf16).value(), 2.0 * s * b * h / t, 1.0);
}

// Unfused attention adds 5*a*s^2*b/t (softmax, dropout mask and output) when nothing is recomputed.
TEST(Memory, UnfusedAttentionKeepsTheScoreMatrix) {
  const ModelSpec m = Gpt(96, 12288, 96);
  Plan plan;
  plan.tp = 8;
  plan.sequence_parallel = true;
  plan.recompute = Recompute::kNone;
  const double s = 2048, h = 12288, t = 8, a = 96;
  StackSpec unfused;
  unfused.fused_attention = false;
  EXPECT_NEAR(LayerActivationBytes(m, plan, 2048, Precision::kBf16, unfused).value(),
              34.0 * s * h / t + 5.0 * a * s * s / t, 1.0);
}

// Mixed-precision Adam: 2 + 4 + 12 = 18 bytes per parameter unsharded; ZeRO-1 divides the 12 optimizer bytes by
// the data-parallel size, ZeRO-2 the gradients too, ZeRO-3 the weights too.
TEST(Memory, ZeroStagesShardState) {
  const ModelSpec m = Gpt(32, 4096, 32);
  const ParamCounts params = CountParams(m);
  Plan plan;
  plan.dp = 8;
  plan.zero = 0;
  const MemoryBreakdown z0 = DeviceMemory(m, params, plan, 2048, 8, Precision::kBf16);
  const double rel = 1e-4 * params.total;  // the final layer norm sits on no stage's books
  EXPECT_NEAR(z0.weights.value() + z0.gradients.value() + z0.optimizer.value(), 18.0 * params.total, 18 * rel);
  plan.zero = 1;
  const MemoryBreakdown z1 = DeviceMemory(m, params, plan, 2048, 8, Precision::kBf16);
  EXPECT_NEAR(z1.optimizer.value(), 12.0 * params.total / 8, 12 * rel);
  EXPECT_NEAR(z1.gradients.value(), 4.0 * params.total, 4 * rel);
  plan.zero = 2;
  EXPECT_NEAR(DeviceMemory(m, params, plan, 2048, 8, Precision::kBf16).gradients.value(), 4.0 * params.total / 8,
              4 * rel);
  // A stack that accumulates full-size gradients across micro-batches holds them all under ZeRO-2; with a single
  // micro-batch there is nothing to accumulate.
  StackSpec full;
  full.sharded_gradient_accumulation = false;
  EXPECT_NEAR(DeviceMemory(m, params, plan, 2048, 8, Precision::kBf16, full).gradients.value(), 4.0 * params.total,
              4 * rel);
  EXPECT_NEAR(DeviceMemory(m, params, plan, 2048, 1, Precision::kBf16, full).gradients.value(),
              4.0 * params.total / 8, 4 * rel);
  plan.zero = 3;
  EXPECT_LT(DeviceMemory(m, params, plan, 2048, 8, Precision::kBf16).weights.value(), 2.0 * params.total / 4);
}

// 1F1B keeps pp micro-batches in flight on the first stage; interleaving adds a (p-1)/(p*v) share.
TEST(Memory, PipelineInFlightMicroBatches) {
  const ModelSpec m = Gpt(32, 4096, 32);
  const ParamCounts params = CountParams(m);
  Plan plan;
  plan.pp = 4;
  const double per_layer = LayerActivationBytes(m, plan, 2048, Precision::kBf16).value();
  const double one_f_one_b = DeviceMemory(m, params, plan, 2048, 16, Precision::kBf16).activations.value();
  EXPECT_NEAR(one_f_one_b, per_layer * 8 * 4, 1.0);
  plan.vpp = 2;
  const double interleaved = DeviceMemory(m, params, plan, 2048, 16, Precision::kBf16).activations.value();
  EXPECT_NEAR(interleaved, per_layer * 8 * 4 * (1.0 + 3.0 / 8.0), 1.0);
}

// Issue 9 regression: DeepSeek-V3 (3 leading dense layers, then 58 MoE layers) on 16 pipeline stages reported
// negative weights for every expert-parallel degree (its first stage subtracted expert weights it does not hold).
TEST(Memory, Issue9MoeWithLeadingDenseLayersIsNeverNegative) {
  const ModelSpec& m = *Catalog::BuiltIn().FindModel("deepseek-v3");
  const ParamCounts params = CountParams(m);
  for (int ep : {1, 2, 4, 8, 16, 32, 64}) {
    Plan plan;
    plan.pp = 16;
    plan.dp = 128;
    plan.ep = ep;
    const MemoryBreakdown mem = DeviceMemory(m, params, plan, 4096, 8, Precision::kFp8);
    EXPECT_GT(mem.weights.value(), 0) << "ep " << ep;
    // The busier of the first stage (embedding, the 3 dense layers, 1 MoE layer) and the last (4 MoE layers and
    // the logits); experts split ep ways.
    const double layer = params.attention_layer + params.norm_layer;
    const double first = params.embedding + 4 * layer + 3 * params.dense_ffn_layer + params.moe_ffn_layer / ep;
    const double last = params.logits + 4 * layer + 4 * params.moe_ffn_layer / ep;
    const double expected = std::max(first, last);
    EXPECT_NEAR(mem.weights.value() / 2.0, expected, 0.05 * expected) << "ep " << ep;
  }
}

// Issue 9 property: over search's whole space of plans for every catalog model, no memory term is negative.
TEST(Memory, Issue9NoPlanOfAnyModelHasNegativeMemory) {
  const Catalog& catalog = Catalog::BuiltIn();
  int64_t checked = 0;
  for (const ModelSpec& m : catalog.models()) {
    const ParamCounts params = CountParams(m);
    std::vector<int> eps = {1};
    if (m.moe.enabled()) {
      for (int e = 2; e <= m.moe.experts; e *= 2) {
        if (m.moe.experts % e == 0) eps.push_back(e);
      }
    }
    for (int tp : {1, 2, 4, 8}) {
      for (int pp = 1; pp <= std::min<int64_t>(64, m.layers); pp *= 2) {
        for (int cp : {1, 2}) {
          for (int ep : eps) {
            for (Recompute rc : {Recompute::kNone, Recompute::kSelective, Recompute::kFull}) {
              for (int zero = 0; zero <= 3; ++zero) {
                for (Precision prec : {Precision::kBf16, Precision::kFp8}) {
                  Plan plan;
                  plan.tp = tp;
                  plan.pp = pp;
                  plan.cp = cp;
                  plan.dp = 64;
                  plan.ep = ep;
                  plan.vpp = pp > 1 ? 2 : 1;
                  plan.sequence_parallel = tp > 1;
                  plan.recompute = rc;
                  plan.zero = zero;
                  StackSpec stack;
                  stack.quantized_saved_inputs = true;
                  const MemoryBreakdown mem = DeviceMemory(m, params, plan, 4096, 16, prec, stack);
                  for (double term : {mem.weights.value(), mem.gradients.value(), mem.optimizer.value(),
                                      mem.activations.value(), mem.reserve.value()}) {
                    ASSERT_GE(term, 0.0) << m.id << " " << plan.Describe();
                  }
                  ++checked;
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace fleetsim
