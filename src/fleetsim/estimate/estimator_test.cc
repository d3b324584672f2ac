#include "fleetsim/estimate/estimator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "fleetsim/report/step_report.h"

namespace fleetsim {
namespace {

Scenario Make(const std::string& body) { return Scenario::Parse(body, "test.yaml"); }

// The estimator alone on the plan the test scenario fixes in full (no `auto`: choosing plans is search's job,
// tested in planner/ and search/).
StepResult Evaluate(const Scenario& s) {
  const std::optional<Plan> plan = FixedPlan(s.training);
  if (!plan) throw std::logic_error("test scenario leaves a plan field to auto");
  return Estimator(s.model, s.cluster, s.training).Evaluate(*plan);
}

const char* kLlama70b = R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: selective, zero: 1,
           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 2}}
)";

TEST(Estimator, BreakdownAddsUpToStepTime) {
  const Scenario s = Make(kLlama70b);
  const StepResult r = Evaluate(s);
  EXPECT_NEAR(r.breakdown.Total().value(), r.step_time.value(), 1e-12);
  EXPECT_GT(r.breakdown.compute.value(), 0);
  EXPECT_GT(r.breakdown.tp_comm.value(), 0);
  EXPECT_GT(r.breakdown.pp_bubble.value(), 0);
  EXPECT_GT(r.mfu, 0.2);
  EXPECT_LT(r.mfu, 0.8);
}

TEST(Estimator, SameInputSameOutputBitForBit) {
  const Scenario s = Make(kLlama70b);
  EXPECT_EQ(Evaluate(s).step_time.value(), Evaluate(s).step_time.value());
}

// Pipeline bubble follows (p-1)/(m*v): more micro-batches or interleaving shrink it.
TEST(Estimator, InterleavingShrinksTheBubble) {
  const Scenario s = Make(kLlama70b);
  const Estimator e(s.model, s.cluster, s.training);
  Plan p = Evaluate(s).plan;
  p.vpp = 1;
  const Seconds bubble1 = e.Evaluate(p).breakdown.pp_bubble;
  p.vpp = 4;
  const Seconds bubble4 = e.Evaluate(p).breakdown.pp_bubble;
  EXPECT_NEAR(bubble4 / bubble1, 0.25, 1e-9);
}

// A slower scale-out fabric hurts a data-parallel-heavy plan; the scale-up domain does not change.
TEST(Estimator, SlowerFabricSlowsDataParallelCommunication) {
  const std::string fast = R"(cluster: {accelerator: h100, count: 256}
model: llama3-8b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: none, zero: 0,
           parallelism: {tp: 1, pp: 1, dp: 256}}
)";
  std::string slow = fast;
  slow.replace(slow.find("count: 256}"), 11,
               "count: 256, fabric: {preset: ib-ndr-400-clos, link_bandwidth: \"100Gbps\"}}");
  const StepResult a = Evaluate(Make(fast));
  const StepResult b = Evaluate(Make(slow));
  EXPECT_GT(b.breakdown.dp_comm.value(), a.breakdown.dp_comm.value());
  EXPECT_DOUBLE_EQ(a.breakdown.compute.value(), b.breakdown.compute.value());
}

// A job larger than one TPU slice places its data-parallel groups across slices on the datacenter network:
// the outer level of a group spanning slices runs at the DCN's per-chip bandwidth, far below the ICI torus.
TEST(GroupLevels, TpuJobBeyondOneSliceCrossesTheDatacenterNetwork) {
  const Scenario s = Make(R"(cluster: {accelerator: tpu-v4, count: 8192}
model: gpt3-175b
training: {seq_len: 2048, global_batch: 2048, parallelism: {tp: 8, pp: 4, dp: 256}}
)");
  ASSERT_TRUE(s.cluster.dcn.has_value());
  const GroupLevels levels(s.cluster);
  EXPECT_EQ(levels.DomainSize(), 4096);
  const std::vector<LinkLevel> dp = levels.Levels(256, 32);  // dp ranks sit tp*pp = 32 apart
  ASSERT_EQ(dp.size(), 2u);
  EXPECT_EQ(dp[0].ranks, 128);  // inside one 4,096-chip slice
  EXPECT_EQ(dp[1].ranks, 2);    // across the two slices
  const Bandwidth dcn = s.cluster.dcn->AcceleratorBandwidth() * s.cluster.dcn->efficiency;
  EXPECT_DOUBLE_EQ(dp[1].bandwidth.value(), dcn.value());
  EXPECT_GT(dp[0].bandwidth.value(), 10 * dp[1].bandwidth.value());
}

// Rings leaving a 3,072-GPU pod of the Llama 3 fabric share 1:7 oversubscribed uplinks.
TEST(GroupLevels, CrossPodGroupsMeetOversubscription) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 16384, fabric: roce-400-clos}
model: llama3-8b
training: {seq_len: 4096, global_batch: 2048}
)");
  const GroupLevels levels(s.cluster);
  const double nic = s.cluster.fabric.AcceleratorBandwidth().value() * s.cluster.fabric.efficiency;
  // 64 ranks 8 apart span 512 GPUs: inside one pod, full bandwidth.
  EXPECT_DOUBLE_EQ(levels.Levels(64, 8).back().bandwidth.value(), nic);
  // 2048 ranks 8 apart span all 16,384 GPUs, but each ring keeps 384 members per pod: its few boundary edges
  // fit in the uplinks, full bandwidth.
  EXPECT_DOUBLE_EQ(levels.Levels(2048, 8).back().bandwidth.value(), nic);
  // 8 ranks 2,048 apart (a pipeline-like group) keep 1.5 members per pod: every GPU's ring leaves the pod, and
  // the pod's uplinks carry 3072/7 NICs' worth.
  EXPECT_NEAR(levels.Levels(8, 2048).back().bandwidth.value(), nic * (3072.0 / 2048.0) / 7.0, 1e-6 * nic);
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// Issue 9: the software stack is a physical input. GPT-3 175B at tp8 with sequence parallelism: a stack that
// pipelines the tensor-parallel collectives into the GEMMs exposes far less of them, but never none (the first
// chunk of each collective waits), and the compute is the same.
TEST(Issue9Stack, TensorParallelOverlapHidesMostOfTheCommunication) {
  const std::string base = R"(cluster: {accelerator: h100, count: 64}
model: gpt3-175b
training: {seq_len: 2048, global_batch: 64, micro_batch: 1, recompute: selective, precision: fp8, zero: 1,
           parallelism: {tp: 8, pp: 8, dp: 1, vpp: 1}, stack: STACK}
)";
  auto with = [&](const std::string& stack) {
    std::string text = base;
    text.replace(text.find("STACK"), 5, stack);
    return Evaluate(Make(text));
  };
  const StepResult exposed = with("nemo-23.09");
  const StepResult overlapped = with("{preset: nemo-23.09, tp_overlap: true}");
  EXPECT_LT(overlapped.breakdown.tp_comm.value(), 0.5 * exposed.breakdown.tp_comm.value());
  EXPECT_GT(overlapped.breakdown.tp_comm.value(), 0.0);
  EXPECT_DOUBLE_EQ(overlapped.breakdown.compute.value(), exposed.breakdown.compute.value());
}

// Without overlap the gradient reduction waits for the whole backward: more exposed data-parallel time.
TEST(Issue9Stack, DataParallelReductionAfterTheBackwardIsExposed) {
  const std::string base = R"(cluster: {accelerator: h100, count: 256}
model: llama3-8b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: none, zero: 1,
           parallelism: {tp: 1, pp: 1, dp: 256}, stack: STACK}
)";
  std::string a = base, b = base;
  a.replace(a.find("STACK"), 5, "generic");
  b.replace(b.find("STACK"), 5, "{preset: generic, dp_overlap: false}");
  EXPECT_GT(Evaluate(Make(b)).breakdown.dp_comm.value(), Evaluate(Make(a)).breakdown.dp_comm.value() + 1e-6);
}

// ZeRO-2 with sharded accumulation reduce-scatters every micro-batch's gradients; accumulating full-size gradients
// reduces once per step (issue 9: ZeRO-2 kept sharded gradients in memory while reducing them only once).
TEST(Issue9Stack, ShardedGradientAccumulationReducesEveryMicroBatch) {
  const std::string base = R"(cluster: {accelerator: h100, count: 256}
model: llama3-70b
training: {seq_len: 4096, global_batch: 2048, micro_batch: 1, recompute: full, zero: 2,
           parallelism: {tp: 8, pp: 1, dp: 32}, stack: STACK}
)";
  std::string a = base, b = base;
  a.replace(a.find("STACK"), 5, "{preset: generic, gradient_accumulation: sharded}");
  b.replace(b.find("STACK"), 5, "{preset: generic, gradient_accumulation: full}");
  const StepResult sharded = Evaluate(Make(a));
  const StepResult full = Evaluate(Make(b));
  EXPECT_GT(sharded.breakdown.dp_comm.value(), full.breakdown.dp_comm.value() + 1e-3);
  // Full-size accumulation holds every local gradient; sharded accumulation one dp-th of them.
  EXPECT_NEAR(full.memory.gradients / sharded.memory.gradients, 32.0, 1e-6);
}

// Megatron-LM 2021 waits for every chunk's transfer, so interleaving multiplies the exposed pipeline transfers.
TEST(Issue9Stack, BlockingPipelineTransfersGrowWithInterleaving) {
  const Scenario s = Make(R"(cluster: {accelerator: a100, count: 64}
model: gpt3-175b
training: {seq_len: 2048, global_batch: 64, micro_batch: 1, recompute: full, precision: fp16, zero: 0,
           parallelism: {tp: 8, pp: 8, dp: 1, vpp: 1}, stack: megatron-lm-2021}
)");
  const Estimator e(s.model, s.cluster, s.training);
  Plan p = Evaluate(s).plan;
  const Seconds one = e.Evaluate(p).breakdown.pp_comm;
  p.vpp = 4;
  EXPECT_NEAR(e.Evaluate(p).breakdown.pp_comm / one, 4.0, 1e-9);
}

// The step waits for the slowest device: with a stack's jitter the wait grows with the number of devices that
// synchronise (expected maximum of n draws), at the same per-device work.
TEST(Issue9Stack, StragglerWaitGrowsWithTheFleet) {
  auto wait = [&](int count) {
    const std::string text = fmt::format(R"(cluster: {{accelerator: h100, count: {}}}
model: llama3-8b
training: {{seq_len: 4096, global_batch: {}, micro_batch: 1, recompute: none, zero: 1,
           parallelism: {{tp: 1, pp: 1, dp: {}}}, stack: {{preset: generic, jitter: 0.02}}}}
)",
                                         count, count, count);
    const StepResult r = Evaluate(Make(text));
    return r.breakdown.sync_wait / r.breakdown.compute;
  };
  const double small = wait(8), large = wait(8192);
  EXPECT_GT(small, 0.02 * 1.0);  // E[max of 8 normals] = 1.42
  EXPECT_LT(small, 0.02 * 1.6);
  EXPECT_GT(large, 0.02 * 3.4);  // E[max of 8192 normals] = 3.7
  EXPECT_LT(large, 0.02 * 4.0);
}

// Int8 training (AQT) runs the layers' GEMMs at the chip's int8 peak (a chip without int8 units refuses it:
// tests/issue9_precision_test.cc).
TEST(Issue9Precision, Int8RunsAtTheInt8PeakWhereTheChipHasOne) {
  auto compute = [&](const char* acc, const char* precision) {
    const std::string text = fmt::format(R"(cluster: {{accelerator: {}, count: 256}}
model: gpt3-175b
training: {{seq_len: 2048, global_batch: 512, micro_batch: 2, recompute: full, precision: {}, zero: 3,
           parallelism: {{tp: 8, pp: 1, dp: 32}}}}
)",
                                         acc, precision);
    const StepResult r = Evaluate(Make(text));
    return r.breakdown.compute.value();
  };
  EXPECT_LT(compute("tpu-v5p", "int8"), 0.75 * compute("tpu-v5p", "bf16"));
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// Issue 9, placement: each group's traffic is priced on the links it crosses. A fabric of 64-GPU full-bisection
// pods joined at 1:1 or 1:7.
std::string PodScenario(const std::string& oversubscription, const std::string& model, const std::string& plan) {
  return fmt::format(R"(cluster: {{accelerator: h100, count: 512,
          fabric: {{preset: ib-ndr-400-clos, pod_size: 64, oversubscription: [1, 1, {}]}}}}
model: {}
training: {{seq_len: 4096, global_batch: 512, micro_batch: 1, recompute: full, zero: 1, precision: bf16,
           stack: {{preset: generic, dp_overlap: false}}, parallelism: {}}}
)",
                     oversubscription, model, plan);
}

TEST(Issue9Placement, ExpertAllToAllAcrossPodsMeetsOversubscription) {
  auto ep_time = [&](const std::string& o, int ep) {
    const std::string plan = fmt::format("{{tp: 2, pp: 1, dp: 256, ep: {}}}", ep);
    return Evaluate(Make(PodScenario(o, "mixtral-8x7b", plan))).breakdown.ep_comm.value();
  };
  // ep 8 at stride 2 spans 16 GPUs: inside a pod, the same at 1:1 and 1:7.
  EXPECT_DOUBLE_EQ(ep_time("1", 8), ep_time("7", 8));
  // 8 experts over 8 ranks cannot leave a pod; DeepSeek-V3's 256 experts at ep 64 span 128 GPUs = two pods.
  auto ds_time = [&](const std::string& o, int ep) {
    const std::string plan = fmt::format("{{tp: 2, pp: 1, dp: 256, ep: {}}}", ep);
    return Evaluate(Make(PodScenario(o, "deepseek-v3", plan))).breakdown.ep_comm.value();
  };
  EXPECT_GT(ds_time("7", 64), 1.5 * ds_time("1", 64));
  EXPECT_DOUBLE_EQ(ds_time("1", 16), ds_time("7", 16));
}

TEST(Issue9Placement, DataParallelRingsSpreadThinAcrossPodsMeetOversubscription) {
  auto dp_time = [&](const std::string& o, const std::string& plan) {
    return Evaluate(Make(PodScenario(o, "llama3-8b", plan))).breakdown.dp_comm.value();
  };
  // The gradient ring over dp x cp = 64 ranks 8 apart keeps 8 members per 64-GPU pod: enough for 1:7 uplinks,
  // not for 1:31.
  const std::string thin = "{tp: 8, pp: 1, cp: 2, dp: 32}";
  EXPECT_DOUBLE_EQ(dp_time("7", thin), dp_time("1", thin));
  EXPECT_GT(dp_time("31", thin), 1.2 * dp_time("1", thin));
  // dp 8 at stride 8 spans 64 GPUs: inside a pod, unchanged.
  const std::string inside = "{tp: 8, pp: 8, dp: 8, vpp: 1}";
  EXPECT_DOUBLE_EQ(dp_time("1", inside), dp_time("31", inside));
}

std::string TwoSites(const std::string& wan, const std::string& plan, int datacenters) {
  return fmt::format(R"(cluster: {{accelerator: h100, count: 1024, datacenters: {}, wan: {}}}
model: llama3-70b
training: {{seq_len: 8192, global_batch: 512, micro_batch: 1, recompute: none, zero: 1, precision: bf16,
           stack: {{preset: generic, dp_overlap: false}}, parallelism: {}}}
)",
                     datacenters, wan, plan);
}

// Pipeline stages split over two sites pay for what crosses a 100 Gbps WAN; a wide WAN costs little.
TEST(Issue9Placement, PipelineSplitAcrossSitesPaysForTheWan) {
  const std::string plan = "{tp: 8, pp: 4, dp: 32, vpp: 1}";
  const double one = Evaluate(Make(TwoSites("{bandwidth: 100Gbps}", plan, 1))).step_time.value();
  const double narrow = Evaluate(Make(TwoSites("{bandwidth: 100Gbps}", plan, 2))).step_time.value();
  const double wide = Evaluate(Make(TwoSites("{bandwidth: 100Tbps}", plan, 2))).step_time.value();
  // Every micro-batch's activations cross the WAN at the stage boundary: 256 ranks x 16.8 MB (8192 tokens x
  // 8192 hidden x 2 bytes / tp 8) per micro-batch, 16 micro-batches, at 12.5 GB/s. Transfers hide behind compute
  // only up to a stage's compute per micro-batch, so the step lasts at least the transfers and pays a good part
  // of them on top of what one site costs.
  const double crossing = 16.0 * 256.0 * (8192.0 * 8192.0 * 2.0 / 8.0) / 12.5e9;
  EXPECT_GT(narrow, crossing);
  EXPECT_GT(narrow, one + 0.2 * crossing);
  EXPECT_LT(wide, 1.02 * one);
}

// A data-parallel reduction across two sites crosses the WAN once per phase of the hierarchical collective, so
// a 10 ms WAN adds tens of milliseconds, not 10 ms per ring step (255 steps there and back: 5 s).
TEST(Issue9Placement, HierarchicalReductionCrossesTheWanOncePerPhase) {
  const std::string plan = "{tp: 8, pp: 1, dp: 128}";
  const std::string wan = "{bandwidth: 1000Tbps, latency: 10ms}";
  const double one = Evaluate(Make(TwoSites(wan, plan, 1))).breakdown.dp_comm.value();
  const double two = Evaluate(Make(TwoSites(wan, plan, 2))).breakdown.dp_comm.value();
  EXPECT_GT(two, one + 0.015);
  EXPECT_LT(two, one + 0.2);
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// Issue 9: an estimate on an accelerator without its own calibration run says whose parameters it borrows.
TEST(Issue9Uncalibrated, EstimateTextAndJsonSaySo) {
  auto on = [&](const char* acc) {
    return Make(fmt::format(R"(cluster: {{accelerator: {}, count: 8}}
model: llama3-8b
training: {{seq_len: 4096, global_batch: 64, micro_batch: 1, recompute: full, zero: 1,
           parallelism: {{tp: 8, pp: 1, dp: 1}}}}
)",
                            acc));
  };
  const Scenario mi300x = on("mi300x"), h100 = on("h100");
  const StepResult a = Evaluate(mi300x), b = Evaluate(h100);
  EXPECT_NE(StepResultText(mi300x, a).find("uncalibrated: mi300x has no published run of its own; it takes h100"),
            std::string::npos);
  EXPECT_EQ(StepResultText(h100, b).find("uncalibrated"), std::string::npos);
  EXPECT_FALSE(StepResultJson(mi300x, a)["calibrated"].get<bool>());
  EXPECT_EQ(StepResultJson(mi300x, a)["calibration_relative"], "h100");
  EXPECT_TRUE(StepResultJson(h100, b)["calibrated"].get<bool>());
}

}  // namespace
}  // namespace fleetsim
