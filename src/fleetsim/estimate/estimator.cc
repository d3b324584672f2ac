#include "fleetsim/estimate/estimator.h"

#include <algorithm>
#include <limits>

#include "fleetsim/collective/collective.h"
#include "fleetsim/workload/memory.h"

namespace fleetsim {
namespace {

// Adam under mixed precision reads fp32 weights, gradients and two moments, writes weights, moments and the
// 16-bit copy: 30 bytes per parameter (fp32 training: no 16-bit copy).
constexpr double kOptimizerBytesPerParam = 30.0;

uint64_t CacheKey(const Plan& p) {
  uint64_t key = static_cast<uint64_t>(p.tp);
  key = key * 4099 + static_cast<uint64_t>(p.cp);
  key = key * 4099 + static_cast<uint64_t>(p.ep);
  key = key * 65537 + static_cast<uint64_t>(p.micro_batch);
  key = key * 3 + static_cast<uint64_t>(p.recompute);
  return key * 2 + (p.sequence_parallel ? 1 : 0);
}

// Bytes per parameter of the data-parallel gradient reduction: Megatron-LM reduces fp32 main gradients for
// bf16 (and fp8) training, 16-bit ones for fp16.
double GradientCommBytes(Precision p) { return p == Precision::kFp16 ? 2.0 : 4.0; }
double WeightCommBytes(Precision p) { return p == Precision::kFp32 ? 4.0 : 2.0; }

}  // namespace

Estimator::Estimator(const ModelSpec& model, const ClusterSpec& cluster, const TrainingSpec& training)
    : model_(model),
      cluster_(cluster),
      training_(training),
      params_(CountParams(model)),
      model_flops_per_token_(ModelFlopsPerToken(model, training.seq_len)),
      levels_(cluster),
      kernels_(cluster.accelerator, training.precision),
      layers_(model, training.seq_len, training.precision, kernels_, levels_,
              cluster.accelerator.efficiency.comm_overlap) {}

const Estimator::StageCosts& Estimator::Costs(const Plan& plan) const {
  const uint64_t key = CacheKey(plan);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  StageCosts costs{layers_.Layer(plan, false), layers_.Layer(plan, true), layers_.Head(plan)};
  return cache_.emplace(key, costs).first->second;
}

StepBreakdown Estimator::Breakdown(const Plan& plan) const {
  const StageCosts& costs = Costs(plan);
  const int64_t layers = model_.layers;
  const double moe_fraction =
      params_.moe_layers > 0 ? static_cast<double>(params_.moe_layers) / static_cast<double>(layers) : 0.0;
  auto mix = [&](Seconds dense, Seconds moe) { return dense * (1.0 - moe_fraction) + moe * moe_fraction; };
  const Seconds layer_compute = mix(costs.dense.Compute(), costs.moe.Compute());
  const Seconds layer_tp = mix(costs.dense.tp_comm, costs.moe.tp_comm);
  const Seconds layer_cp = mix(costs.dense.cp_comm, costs.moe.cp_comm);
  const Seconds layer_ep = mix(costs.dense.ep_comm, costs.moe.ep_comm);
  const Seconds layer_total = layer_compute + layer_tp + layer_cp + layer_ep;
  const Seconds head = costs.head.compute;

  // Busiest stage for one micro-batch: the last stage carries the logits, so a balanced split gives it k
  // layers and the other stages the rest, as evenly as whole layers allow.
  double stage_layers = static_cast<double>(layers);
  Seconds stage_time = layer_total * static_cast<double>(layers) + head;
  bool head_on_busiest = true;
  if (plan.pp > 1) {
    stage_time = Seconds(std::numeric_limits<double>::infinity());
    const int64_t max_k = (layers + plan.pp - 1) / plan.pp;
    for (int64_t k = 0; k <= max_k; ++k) {
      const int64_t rest = (layers - k + plan.pp - 2) / (plan.pp - 1);
      const Seconds last = layer_total * static_cast<double>(k) + head;
      const Seconds other = layer_total * static_cast<double>(rest);
      const Seconds worst = std::max(last, other);
      if (worst < stage_time) {
        stage_time = worst;
        head_on_busiest = last >= other;
        stage_layers = static_cast<double>(head_on_busiest ? k : rest);
      }
    }
  }
  const Seconds stage_compute = layer_compute * stage_layers + (head_on_busiest ? head : Seconds(0));
  const Seconds average_stage = (layer_total * static_cast<double>(layers) + head) / static_cast<double>(plan.pp);
  const double m = static_cast<double>(plan.MicroBatches(training_.global_batch));

  StepBreakdown b;
  b.compute = stage_compute * m;
  b.tp_comm = layer_tp * (stage_layers * m);
  b.cp_comm = layer_cp * (stage_layers * m);
  b.ep_comm = layer_ep * (stage_layers * m);
  b.pp_bubble = average_stage * (static_cast<double>(plan.pp - 1) / plan.vpp);
  if (plan.pp > 1) {
    const double tokens = static_cast<double>(plan.micro_batch) * static_cast<double>(training_.seq_len) / plan.cp;
    const bool sp = plan.sequence_parallel && plan.tp > 1;
    const Bytes activation(tokens * static_cast<double>(model_.hidden) * ActivationBytes(training_.precision) /
                           (sp ? plan.tp : 1));
    const LinkLevel peer = levels_.PeerLevel(static_cast<int64_t>(plan.tp) * plan.cp * plan.dp);
    const Seconds p2p = FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect, activation, peer);
    // Transfers are asynchronous: in steady state they hide behind other micro-batches' compute; the fill and
    // drain wait on one transfer per stage boundary, forward and backward.
    b.pp_comm = p2p * (2.0 * static_cast<double>(plan.pp - 1));
  }

  // Data parallelism over dp x cp ranks (experts: over dp x cp / ep). Gradients are ready after the last
  // micro-batch's backward, so that backward is all the reduction can hide behind; the parameter all-gather of
  // the distributed optimizer hides behind the first micro-batch's forward.
  const DeviceParams device = DeviceStageParams(model_, params_, plan);
  const double g = GradientCommBytes(training_.precision);
  const double w = WeightCommBytes(training_.precision);
  auto sync = [&](CollectiveOp op, double bytes_per_param) {
    Seconds t = HierarchicalCollectiveTime(op, Bytes(device.dense * bytes_per_param),
                                           levels_.Levels(device.dense_ranks, plan.tp));
    if (device.expert > 0) {
      t +=
          HierarchicalCollectiveTime(op, Bytes(device.expert * bytes_per_param),
                                     levels_.Levels(device.expert_ranks, static_cast<int64_t>(plan.tp) * plan.ep));
    }
    return t;
  };
  const Seconds mb_forward = (mix(costs.dense.forward, costs.moe.forward) + layer_tp / 2.0) * stage_layers;
  const Seconds mb_backward = layer_total * stage_layers - mb_forward;
  if (device.dense_ranks > 1) {
    if (plan.zero == 0) {
      b.dp_comm = std::max(Seconds(0), sync(CollectiveOp::kAllReduce, g) - mb_backward);
    } else {
      b.dp_comm = std::max(Seconds(0), sync(CollectiveOp::kReduceScatter, g) - mb_backward);
      const Seconds gather = sync(CollectiveOp::kAllGather, w);
      if (plan.zero >= 3) {
        // FSDP gathers the weights for every micro-batch's forward and backward, layer by layer.
        b.dp_comm += (std::max(Seconds(0), gather - mb_forward) + std::max(Seconds(0), gather - mb_backward)) * m;
      } else {
        b.dp_comm += std::max(Seconds(0), gather - mb_forward);
      }
    }
  }
  const double update_params = plan.zero >= 1 ? device.dense / static_cast<double>(device.dense_ranks) +
                                                    device.expert / static_cast<double>(device.expert_ranks)
                                              : device.dense + device.expert;
  b.optimizer = kernels_.Elementwise(Bytes(update_params * kOptimizerBytesPerParam));
  return b;
}

Estimator::Quick Estimator::Score(const Plan& plan) const {
  const int64_t m = plan.MicroBatches(training_.global_batch);
  const MemoryBreakdown mem = DeviceMemory(model_, params_, plan, training_.seq_len, m, training_.precision,
                                           cluster_.accelerator.efficiency.fused_attention);
  Quick q;
  q.memory = mem.Total();
  q.fits = q.memory <= capacity();
  q.step_time = Breakdown(plan).Total();
  return q;
}

StepResult Estimator::Evaluate(const Plan& plan) const {
  StepResult r;
  r.plan = plan;
  r.breakdown = Breakdown(plan);
  r.step_time = r.breakdown.Total();
  const int64_t m = plan.MicroBatches(training_.global_batch);
  r.memory = DeviceMemory(model_, params_, plan, training_.seq_len, m, training_.precision,
                          cluster_.accelerator.efficiency.fused_attention);
  r.capacity = capacity();
  r.fits = r.memory.Total() <= r.capacity;
  const double devices = static_cast<double>(cluster_.count);
  r.tokens_per_step = static_cast<double>(training_.global_batch) * static_cast<double>(training_.seq_len);
  r.tokens_per_s = r.tokens_per_step / r.step_time.value();
  r.model_flops_per_step = model_flops_per_token_ * r.tokens_per_step;
  const double per_device_rate = r.model_flops_per_step / r.step_time.value() / devices;
  r.model_tflops_per_device = per_device_rate / 1e12;
  const double peak = cluster_.accelerator.Peak(training_.precision).value();
  r.mfu = per_device_rate / peak;
  // Hardware FLOPs add the recomputed forward work of the transformer layers (not the logits).
  double recompute_per_token = 0;
  const double layer_forward =
      (LayerLinearFlopsPerToken(model_, false) * static_cast<double>(params_.dense_layers) +
       LayerLinearFlopsPerToken(model_, true) * static_cast<double>(params_.moe_layers) +
       AttentionFlopsPerToken(model_, training_.seq_len) * static_cast<double>(model_.layers));
  if (plan.recompute == Recompute::kFull) recompute_per_token = layer_forward;
  if (plan.recompute == Recompute::kSelective) {
    recompute_per_token = AttentionFlopsPerToken(model_, training_.seq_len) * static_cast<double>(model_.layers);
  }
  r.hfu =
      (r.model_flops_per_step + recompute_per_token * r.tokens_per_step) / r.step_time.value() / devices / peak;
  if (training_.tokens) r.time_to_train = Seconds(*training_.tokens / r.tokens_per_s);
  return r;
}

}  // namespace fleetsim
