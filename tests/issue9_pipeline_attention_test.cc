// Issue 9, software stacks and plans as the sources ran them: the attention kernel a stack names runs at its
// measured rate, the backward of fused attention reaches less of the peak than its forward, context parallelism
// exchanges keys and values by ring or by all-gather, JAX pipelines hold every micro-batch's activations
// (GPipe order), and a pipeline may put the embedding and the loss in chunks of their own (Meta's Llama 3
// layout: 126 layers, 16 stages, 8 chunks each).
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/core/error.h"
#include "fleetsim/estimate/estimator.h"
#include "fleetsim/estimate/kernel_model.h"
#include "fleetsim/scenario/scenario.h"

namespace fleetsim {
namespace {

std::string Llama405b(const std::string& stack, const std::string& parallelism, int64_t seq_len = 8192,
                      int64_t batch = 2048, int64_t count = 8192) {
  return "name: issue9\n"
         "cluster: {accelerator: h100, count: " +
         std::to_string(count) +
         "}\n"
         "model: llama3-405b\n"
         "training:\n"
         "  seq_len: " +
         std::to_string(seq_len) + "\n  global_batch: " + std::to_string(batch) +
         "\n"
         "  micro_batch: 1\n"
         "  precision: bf16\n"
         "  recompute: none\n"
         "  zero: 2\n"
         "  sequence_parallel: true\n"
         "  stack: " +
         stack + "\n  parallelism: " + parallelism + "\n";
}

StepResult Estimate(const std::string& yaml) {
  const Scenario s = Scenario::Parse(yaml, "issue9.yaml");
  const std::optional<Plan> plan = FixedPlan(s.training);
  if (!plan) throw std::logic_error("test scenario leaves a plan field to auto");
  return Estimator(s.model, s.cluster, s.training).Evaluate(*plan);
}

TEST(Issue9PipelineAttention, LlamaThreeLayoutAllowsOneChunkPerLayerPlusEmbeddingAndLoss) {
  // 126 layers + the embedding and the loss in chunks of their own: 16 x 8 = 128 chunks.
  EXPECT_NO_THROW(Scenario::Parse(Llama405b("meta-llama3", "{tp: 8, pp: 16, dp: 64, vpp: 8}"), "ok.yaml"));
  try {
    Scenario::Parse(Llama405b("meta-llama3", "{tp: 8, pp: 43, dp: 24, vpp: 3}", 8192, 2064, 8256), "bad.yaml");
    FAIL() << "129 chunks for 126 layers accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find("at most 128 chunks"), std::string::npos) << what;
  }
}

TEST(Issue9PipelineAttention, NamedAttentionKernelRunsAtItsMeasuredRate) {
  const Catalog& catalog = Catalog::BuiltIn();
  const Accelerator& h100 = *catalog.FindAccelerator("h100");
  StackSpec fa2;
  fa2.attention_kernel = "flash-attention-2";
  StackSpec cudnn;
  cudnn.attention_kernel = "cudnn";
  const KernelModel slow(h100, Precision::kBf16, fa2);
  const KernelModel fast(h100, Precision::kBf16, cudnn);
  const KernelModel calibrated(h100, Precision::kBf16, StackSpec{});
  // 16k causal keys per query tile: the tile overhead is small; the ratio is the kernels' (Shah et al. 2024:
  // FlashAttention-2 335, cuDNN 539 TFLOP/s forward with a causal mask, head dim 128).
  const double t_fa2 = slow.AttentionForward(64, 16384, 16384, 128, true).value();
  const double t_cudnn = fast.AttentionForward(64, 16384, 16384, 128, true).value();
  EXPECT_NEAR(t_fa2 / t_cudnn, 0.545 / 0.339, 0.01);
  // A stack that names no kernel runs at the accelerator's calibrated `attention`.
  const double t_cal = calibrated.AttentionForward(64, 16384, 16384, 128, true).value();
  EXPECT_NEAR(t_fa2 / t_cal, h100.efficiency.attention / 0.339, 0.01);
  // The backward does 2.5x the forward's work at 0.86 of its rate.
  EXPECT_NEAR(slow.AttentionBackward(64, 16384, 16384, 128, true).value() / t_fa2, 2.5 / 0.86, 0.01);
}

TEST(Issue9PipelineAttention, UnknownAttentionKernelIsAnError) {
  try {
    Scenario::Parse(
        Llama405b("{preset: meta-llama3, attention_kernel: flash-attention-9}", "{tp: 8, pp: 16, dp: 64}"),
        "kernel.yaml");
    FAIL() << "an unknown kernel was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("kernel.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find("flash-attention-2"), std::string::npos) << what;  // says what is allowed
  }
}

TEST(Issue9PipelineAttention, AllGatherContextParallelismExposesItsExchangeAndMergesNothing) {
  // Llama 3's 128K stage: cp16 over 16 nodes. The all-gather exchange is exposed; the ring hides its transfers
  // but pays a latency and a merge of partial results at every one of its 15 steps.
  const std::string plan = "{tp: 8, pp: 16, dp: 8, cp: 16, vpp: 8}";
  const StepResult ring =
      Estimate(Llama405b("{preset: meta-llama3, cp_exchange: ring}", plan, 131072, 128, 16384));
  const StepResult gather =
      Estimate(Llama405b("{preset: meta-llama3, cp_exchange: all-gather}", plan, 131072, 128, 16384));
  EXPECT_GT(gather.breakdown.cp_comm.value(), 0.0);
  EXPECT_NE(gather.breakdown.cp_comm.value(), ring.breakdown.cp_comm.value());
  // One attention kernel over all keys instead of 16 short ones: the compute is a little cheaper.
  EXPECT_LT(gather.breakdown.compute.value(), ring.breakdown.compute.value());
}

TEST(Issue9PipelineAttention, GpipeScheduleHoldsEveryMicroBatchsActivations) {
  // 32 micro-batches per replica over 16 stages: 1F1B holds 16 of them on the first stage, GPipe all 32.
  const std::string plan = "{tp: 8, pp: 16, dp: 64, vpp: 1}";
  const StepResult one_f_one_b = Estimate(Llama405b("{preset: meta-llama3, pipeline_schedule: 1f1b}", plan));
  const StepResult gpipe = Estimate(Llama405b("{preset: meta-llama3, pipeline_schedule: gpipe}", plan));
  EXPECT_NEAR(gpipe.memory.activations.value() / one_f_one_b.memory.activations.value(), 32.0 / 16.0, 0.01);
  EXPECT_DOUBLE_EQ(gpipe.step_time.value(), one_f_one_b.step_time.value());  // the same bubble
}

}  // namespace
}  // namespace fleetsim
