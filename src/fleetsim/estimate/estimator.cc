#include "fleetsim/estimate/estimator.h"

#include <algorithm>
#include <cmath>
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

// Bytes per parameter of the data-parallel gradient reduction: the stack's gradient buffer (fp32 main gradients,
// or 16-bit), 16-bit under fp16 training (Megatron-LM reduces fp16 gradients), 4 bytes in fp32 training.
double GradientCommBytes(Precision p, const StackSpec& stack) {
  if (p == Precision::kFp32) return 4.0;
  return p == Precision::kFp16 ? 2.0 : stack.gradient_bytes;
}
// Bytes per parameter of the distributed optimizer's parameter all-gather.
double WeightCommBytes(Precision p, const StackSpec& stack) {
  if (p == Precision::kFp32) return 4.0;
  return IsQuantized(p) && stack.quantized_param_gather ? 1.0 : 2.0;
}

// Expected maximum of n independent standard normal draws: exact for n = 1 and 2, else the Gumbel asymptote of
// the extreme value, which against numerical integration is 7% high at n = 8, 2% at 64 and under 1% from 1,024
// devices up (the fleets where the wait matters).
double ExpectedMaxOfNormals(double n) {
  if (n <= 1) return 0.0;
  if (n <= 2) return 0.5641895835;  // 1 / sqrt(pi)
  const double l = std::sqrt(2.0 * std::log(n));
  return l - (std::log(std::log(n)) + std::log(4.0 * 3.14159265358979)) / (2.0 * l) + 0.5772156649 / l;
}

}  // namespace

Estimator::Estimator(const ModelSpec& model, const ClusterSpec& cluster, const TrainingSpec& training)
    : model_(model),
      cluster_(cluster),
      training_(training),
      params_(CountParams(model)),
      model_flops_per_token_(ModelFlopsPerToken(model, training.seq_len)),
      levels_(cluster),
      kernels_(cluster.accelerator, training.precision, training.stack),
      layers_(model, training.seq_len, training.precision, kernels_, levels_, training.stack) {}

const Estimator::StageCosts& Estimator::Costs(const Plan& plan) const {
  const uint64_t key = CacheKey(plan);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  StageCosts costs{layers_.Layer(plan, false), layers_.Layer(plan, true), layers_.Head(plan)};
  return cache_.emplace(key, costs).first->second;
}

Estimator::StageSplit Estimator::SplitStages(const Plan& plan, Seconds layer_total, Seconds head) const {
  // Busiest stage for one micro-batch: the last stage carries the logits, so a balanced split gives it k
  // layers and the other stages the rest, as evenly as whole layers allow.
  const int64_t layers = model_.layers;
  StageSplit split;
  split.busiest_layers = static_cast<double>(layers);
  split.last_layers = layers;
  if (plan.pp <= 1) return split;
  Seconds stage_time(std::numeric_limits<double>::infinity());
  const int64_t max_k = (layers + plan.pp - 1) / plan.pp;
  for (int64_t k = 0; k <= max_k; ++k) {
    const int64_t rest = (layers - k + plan.pp - 2) / (plan.pp - 1);
    const Seconds last = layer_total * static_cast<double>(k) + head;
    const Seconds other = layer_total * static_cast<double>(rest);
    const Seconds worst = std::max(last, other);
    if (worst < stage_time) {
      stage_time = worst;
      split.head_on_busiest = last >= other;
      split.busiest_layers = static_cast<double>(split.head_on_busiest ? k : rest);
      split.last_layers = k;
    }
  }
  return split;
}

Seconds Estimator::DataParallelTime(const Plan& plan, CollectiveOp op, double bytes_per_param,
                                    int64_t pieces) const {
  const DeviceParams device = DeviceStageParams(model_, params_, plan);
  const double k = static_cast<double>(std::max<int64_t>(1, pieces));
  Seconds t = HierarchicalCollectiveTime(op, Bytes(device.dense * bytes_per_param / k),
                                         levels_.Levels(device.dense_ranks, plan.tp)) *
              k;
  if (device.expert > 0) {
    t += HierarchicalCollectiveTime(op, Bytes(device.expert * bytes_per_param / k),
                                    levels_.Levels(device.expert_ranks, static_cast<int64_t>(plan.tp) * plan.ep)) *
         k;
  }
  return t;
}

int64_t Estimator::DataParallelPieces(const Plan& plan, bool per_layer) const {
  // FSDP (and ZeRO-3 in general) wraps each layer: its parameters are gathered, and its gradients reduced,
  // layer by layer, so a pass over the stage issues one collective per layer and pays each one's latency
  // ((n - 1) ring steps across the fabric: about 10 ms over 2,048 nodes).
  if (!per_layer) return 1;
  return std::max<int64_t>(1, (model_.layers + plan.pp - 1) / plan.pp);
}

bool Estimator::ReducesEveryMicroBatch(const Plan& plan) const {
  return plan.zero >= 2 && training_.stack.sharded_gradient_accumulation;
}

Seconds Estimator::GradientReductionTime(const Plan& plan) const {
  const CollectiveOp op = plan.zero == 0 ? CollectiveOp::kAllReduce : CollectiveOp::kReduceScatter;
  return DataParallelTime(plan, op, GradientCommBytes(training_.precision, training_.stack),
                          DataParallelPieces(plan, ReducesEveryMicroBatch(plan) || plan.zero >= 3));
}

Seconds Estimator::WeightGatherTime(const Plan& plan) const {
  return DataParallelTime(plan, CollectiveOp::kAllGather, WeightCommBytes(training_.precision, training_.stack),
                          DataParallelPieces(plan, plan.zero >= 3));
}

NicUse Estimator::NicTraffic(const Plan& plan) const {
  // Ranks are tensor-parallel innermost, then context, data and pipeline parallel: a group leaves the domain
  // when its span (members x stride) exceeds it.
  const int64_t domain = levels_.DomainSize();
  const int64_t tp = plan.tp;
  NicUse n;
  n.dp = static_cast<int64_t>(plan.dp) * plan.cp > 1 && tp * plan.cp * plan.dp > domain;
  n.pp = plan.pp > 1 && tp * plan.cp * plan.dp >= domain;
  n.ep = plan.ep > 1 && model_.moe.enabled() && tp * plan.ep > domain;
  n.cp = plan.cp > 1 && tp * plan.cp > domain;
  return n;
}

double Estimator::StageTransferBytes(const Plan& plan) const {
  const double tokens = static_cast<double>(plan.micro_batch) * static_cast<double>(training_.seq_len) / plan.cp;
  return tokens * static_cast<double>(model_.hidden) * ActivationBytes(training_.precision) / plan.tp;
}

std::pair<Seconds, Seconds> Estimator::StageTransfer(const Plan& plan) const {
  // Each stage boundary passes one micro-batch's hidden state, split over the tensor-parallel ranks
  // (sequence parallelism, or Megatron's scatter/gather optimisation, Narayanan et al. SC'21 section 4.1).
  const Bytes activation(StageTransferBytes(plan));
  const int64_t stage_ranks = static_cast<int64_t>(plan.tp) * plan.cp * plan.dp;
  const LinkLevel peer = levels_.PeerLevel(stage_ranks);
  const Seconds p2p = FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect, activation, peer);
  // Ranks are laid out pipeline-outermost: with whole stages per site, the stage boundaries between sites
  // carry every rank's transfer over the WAN at once.
  const bool crosses_sites = cluster_.datacenters > 1 && plan.pp % cluster_.datacenters == 0;
  const Seconds boundary = crosses_sites ? FlatCollectiveTime(CollectiveOp::kPointToPoint, Algorithm::kDirect,
                                                              activation, levels_.WanPeerLevel(stage_ranks))
                                         : p2p;
  return {p2p, boundary};
}

Seconds Estimator::OptimizerStep(const Plan& plan, const DeviceParams& device) const {
  const double update_params = plan.zero >= 1 ? device.dense / static_cast<double>(device.dense_ranks) +
                                                    device.expert / static_cast<double>(device.expert_ranks)
                                              : device.dense + device.expert;
  return kernels_.Elementwise(Bytes(update_params * kOptimizerBytesPerParam));
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
  const double m = static_cast<double>(plan.MicroBatches(training_.global_batch));
  // With ep_overlap, a MoE layer's all-to-all hides behind another micro-batch's compute of that layer.
  const bool ep_hidden = training_.stack.ep_overlap && m > 1;
  const Seconds moe_ep =
      ep_hidden ? std::max(Seconds(0), costs.moe.ep_comm - costs.moe.Compute()) : costs.moe.ep_comm;
  const Seconds layer_ep = mix(costs.dense.ep_comm, moe_ep);
  const Seconds layer_total = layer_compute + layer_tp + layer_cp + layer_ep;
  const Seconds head = costs.head.compute;

  const StageSplit split = SplitStages(plan, layer_total, head);
  const double stage_layers = split.busiest_layers;
  const bool head_on_busiest = split.head_on_busiest;
  const Seconds stage_compute = layer_compute * stage_layers + (head_on_busiest ? head : Seconds(0));
  const Seconds average_stage = (layer_total * static_cast<double>(layers) + head) / static_cast<double>(plan.pp);

  StepBreakdown b;
  b.compute = stage_compute * m;
  b.tp_comm = layer_tp * (stage_layers * m);
  b.cp_comm = layer_cp * (stage_layers * m);
  b.ep_comm = layer_ep * (stage_layers * m);
  b.pp_bubble = average_stage * (static_cast<double>(plan.pp - 1) / plan.vpp);
  if (plan.pp > 1) {
    const auto [p2p, boundary] = StageTransfer(plan);
    if (training_.stack.pp_overlap) {
      // Transfers are asynchronous: in steady state they hide behind the other micro-batches' compute, as long
      // as the slowest boundary's transfer of a model chunk (activations one way, gradients the other, at once
      // on full-duplex links) is shorter than the chunk's compute; the fill and drain wait on one transfer per
      // stage boundary, forward and backward.
      const Seconds chunk = layer_total * (stage_layers / static_cast<double>(plan.vpp));
      const Seconds unhidden = std::max(Seconds(0), boundary - chunk);
      b.pp_comm = p2p * (2.0 * static_cast<double>(plan.pp - 1)) + (boundary - p2p) * 2.0 +
                  unhidden * (m * static_cast<double>(plan.vpp));
      if (plan.vpp > 1) {
        // Interleaved 1F1B runs micro-batches in groups of pp: a group's next chunk on the first stage needs its
        // first micro-batch back from the last stage, after pp chunk computes and pp transfers around the ring
        // (the wrap from the last stage to the first included; with stages over two sites, two of them cross the
        // WAN), while the first stage has only the group's pp chunk computes to do. Each of the vpp - 1 chunk
        // transitions waits for the ring's transfers: in full for the first group's forwards and the last
        // group's backwards; in steady state a forward's wait and a backward's overlap, one ring per pair. (The
        // step simulator executes the dependencies: the whole step within 3.5% of it on 2 and 16 groups.)
        const Seconds ring = p2p * static_cast<double>(plan.pp - 2) + boundary * 2.0;
        const double groups = std::ceil(m / static_cast<double>(plan.pp));
        b.pp_comm += ring * (static_cast<double>(plan.vpp - 1) * (groups + 1.0));
        // In the last group's backward the chunks' gradient reductions (once per step, as each chunk's gradients
        // become final) leave through the same NICs as its transfers: each of those vpp - 1 rings runs at half
        // the rate (the step simulator executes the sharing: GPT-3 on 4,096 H100, +29 ms against +25 ms here).
        const NicUse nic = NicTraffic(plan);
        if (nic.dp && nic.pp && training_.stack.dp_overlap && !ReducesEveryMicroBatch(plan)) {
          b.pp_comm += ring * static_cast<double>(plan.vpp - 1);
        }
      }
    } else {
      // Every model chunk of every micro-batch waits for its input and its output gradient.
      b.pp_comm = boundary * (2.0 * m * static_cast<double>(plan.vpp));
    }
  }

  // Data parallelism over dp x cp ranks (experts: over dp x cp / ep). Gradients are ready after the last
  // micro-batch's backward, so that backward is all the reduction can hide behind; the parameter all-gather of
  // the distributed optimizer hides behind the first micro-batch's forward.
  const DeviceParams device = DeviceStageParams(model_, params_, plan);
  // What the reduction can hide behind: the last micro-batch's backward, the first one's forward; nothing for a
  // stack that reduces after the backward (dp_overlap false).
  const bool overlap = training_.stack.dp_overlap;
  const Seconds mb_forward =
      overlap ? (mix(costs.dense.forward, costs.moe.forward) + layer_tp / 2.0) * stage_layers : Seconds(0);
  const Seconds mb_backward = overlap ? layer_total * stage_layers - mb_forward : Seconds(0);
  // Under interleaving the chunks' gradients become final one after another through the last group's backward:
  // chunk c's when the group's pp micro-batches have passed back through chunks vpp-1..c. A chunk's reduction
  // (1/vpp of the stage's) starts when its gradients are final and shares the links with the others, so the
  // window is the last group's backward after the first chunk is done, plus the last chunk's own; the last
  // chunk's reduction is exposed beyond its own backward. (Parameter all-gathers mirror this in the first
  // group's forward.) Without interleaving: the last micro-batch's backward.
  const double v = static_cast<double>(plan.vpp);
  const double group = static_cast<double>(std::min<int64_t>(plan.pp, static_cast<int64_t>(m)));
  auto exposed_after = [&](Seconds comm, Seconds pass) {
    const Seconds window = pass * (1.0 + (v - 1.0) / v * (group - 1.0));
    return std::max({Seconds(0), comm - window, (comm - pass) / v});
  };
  if (device.dense_ranks > 1) {
    if (plan.zero == 0) {
      b.dp_comm = exposed_after(GradientReductionTime(plan), mb_backward);
    } else {
      // ZeRO-2/3 with sharded accumulation reduce-scatter every micro-batch's gradients during its backward.
      const bool per_micro_batch = ReducesEveryMicroBatch(plan);
      const Seconds reduce = GradientReductionTime(plan);
      const Seconds gather = WeightGatherTime(plan);
      if (plan.zero >= 3) {
        // FSDP gathers the weights for every micro-batch's forward and backward, layer by layer. The gathers and
        // the reductions share the data-parallel links, one after another: a backward must hide its gather and,
        // with sharded accumulation, its reduce-scatter too; a final reduction competes with the last backward's
        // gather. (The step simulator executes exactly this; docs/simulate.md.)
        const Seconds backward_load = gather + (per_micro_batch ? reduce : Seconds(0));
        b.dp_comm =
            (std::max(Seconds(0), gather - mb_forward) + std::max(Seconds(0), backward_load - mb_backward)) * m;
        if (!per_micro_batch) {
          b.dp_comm += std::max(Seconds(0), reduce - std::max(Seconds(0), mb_backward - gather));
        }
      } else if (per_micro_batch) {
        b.dp_comm = std::max(Seconds(0), reduce - mb_backward) * m;
        b.dp_comm += std::max(Seconds(0), gather - mb_forward);
      } else {
        b.dp_comm = exposed_after(reduce, mb_backward) + exposed_after(gather, mb_forward);
      }
    }
  }
  b.optimizer = OptimizerStep(plan, device);

  // Every step synchronises all devices (the gradient reduction): it waits for the slowest. A device's busy time
  // varies by the stack's jitter (its coefficient of variation), so the step gains the expected maximum of
  // `count` draws of that variation.
  if (training_.stack.jitter > 0) {
    const Seconds busy = b.compute + b.tp_comm + b.cp_comm + b.ep_comm;
    b.sync_wait = busy * (training_.stack.jitter * ExpectedMaxOfNormals(static_cast<double>(cluster_.count)));
  }
  return b;
}

PipelineCosts Estimator::Pipeline(const Plan& plan) const {
  const StageCosts& costs = Costs(plan);
  const double moe_fraction =
      params_.moe_layers > 0 ? static_cast<double>(params_.moe_layers) / static_cast<double>(model_.layers) : 0.0;
  auto mix = [&](Seconds dense, Seconds moe) { return dense * (1.0 - moe_fraction) + moe * moe_fraction; };
  PipelineCosts p;
  p.micro_batches = plan.MicroBatches(training_.global_batch);
  const bool ep_hidden = training_.stack.ep_overlap && p.micro_batches > 1;
  const Seconds moe_ep =
      ep_hidden ? std::max(Seconds(0), costs.moe.ep_comm - costs.moe.Compute()) : costs.moe.ep_comm;
  const Seconds forward = mix(costs.dense.forward, costs.moe.forward);
  const Seconds backward = mix(costs.dense.backward, costs.moe.backward);
  const Seconds recompute = mix(costs.dense.recompute, costs.moe.recompute);
  p.layer_tp_comm = mix(costs.dense.tp_comm, costs.moe.tp_comm);
  p.layer_cp_comm = mix(costs.dense.cp_comm, costs.moe.cp_comm);
  p.layer_ep_comm = mix(costs.dense.ep_comm, moe_ep);
  const Seconds comm = p.layer_tp_comm + p.layer_cp_comm + p.layer_ep_comm;
  // Exposed communication is split between the passes as their compute is (the backward moves twice the data).
  const Seconds compute = forward + backward + recompute;
  const double forward_share = compute > Seconds(0) ? forward / compute : 0.5;
  p.layer_forward = forward + comm * forward_share;
  p.layer_backward = backward + recompute + comm * (1.0 - forward_share);
  p.layer_compute_forward = forward;
  p.layer_compute_backward = backward + recompute;
  p.layer_attention_forward = mix(costs.dense.attention_forward, costs.moe.attention_forward);
  p.layer_attention_backward = mix(costs.dense.attention_backward, costs.moe.attention_backward);
  p.layer_tp_forward = p.layer_tp_comm * forward_share;
  p.layer_cp_forward = p.layer_cp_comm * forward_share;
  p.layer_ep_forward = p.layer_ep_comm * forward_share;
  p.tp_bytes = costs.dense.tp_bytes.value();
  p.cp_bytes = costs.dense.cp_bytes.value();
  p.ep_bytes = costs.moe.ep_bytes.value();
  p.nic = NicTraffic(plan);
  // The backward's GEMMs compute input gradients and weight gradients in equal parts; attention has no weights.
  p.layer_weight_grad =
      std::max(Seconds(0), backward - mix(costs.dense.attention_backward, costs.moe.attention_backward)) * 0.5;
  const Seconds head = costs.head.compute;
  p.head_forward = head / 3.0;
  p.head_backward = head - p.head_forward;

  const StageSplit split = SplitStages(plan, p.layer_forward + p.layer_backward, head);
  p.stage_layers.assign(static_cast<size_t>(plan.pp), 0);
  if (plan.pp == 1) {
    p.stage_layers[0] = model_.layers;
  } else {
    p.stage_layers.back() = split.last_layers;
    const int64_t rest = model_.layers - split.last_layers;
    const int64_t others = plan.pp - 1;
    for (int64_t s = 0; s < others; ++s) {
      // As evenly as whole layers allow; the stages after the first take the extra ones (the first holds the
      // most micro-batches in flight).
      const int64_t extra = rest % others;
      p.stage_layers[static_cast<size_t>(s)] = rest / others + (s >= others - extra ? 1 : 0);
    }
    const auto [p2p, boundary] = StageTransfer(plan);
    p.p2p = p2p;
    p.boundary = boundary;
    p.p2p_bytes = StageTransferBytes(plan);
    if (cluster_.datacenters > 1 && plan.pp % cluster_.datacenters == 0) {
      p.stages_per_site = plan.pp / cluster_.datacenters;
    }
  }
  p.pp_async = training_.stack.pp_overlap;

  const DeviceParams device = DeviceStageParams(model_, params_, plan);
  p.dp_overlap = training_.stack.dp_overlap;
  if (device.dense_ranks > 1) {
    const double g = GradientCommBytes(training_.precision, training_.stack);
    const double w = WeightCommBytes(training_.precision, training_.stack);
    p.dp_reduce = GradientReductionTime(plan);
    p.dp_reduce_bytes = (device.dense + device.expert) * g;
    p.dp_ranks = device.dense_ranks;
    if (plan.zero >= 1) {
      p.dp_gather = WeightGatherTime(plan);
      p.dp_gather_bytes = (device.dense + device.expert) * w;
    }
    p.reduce_every_micro_batch = ReducesEveryMicroBatch(plan);
    p.gather_every_micro_batch = plan.zero >= 3;
  }
  p.optimizer = OptimizerStep(plan, device);
  if (training_.stack.jitter > 0) {
    p.sync_jitter = training_.stack.jitter * ExpectedMaxOfNormals(static_cast<double>(cluster_.count));
  }
  return p;
}

Estimator::Quick Estimator::Score(const Plan& plan) const {
  const int64_t m = plan.MicroBatches(training_.global_batch);
  const MemoryBreakdown mem =
      DeviceMemory(model_, params_, plan, training_.seq_len, m, training_.precision, training_.stack);
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
  r.memory = DeviceMemory(model_, params_, plan, training_.seq_len, m, training_.precision, training_.stack);
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

std::optional<Plan> FixedPlan(const TrainingSpec& t) {
  if (!t.parallelism || !t.micro_batch || !t.recompute || !t.zero) return std::nullopt;
  const ParallelismSpec& p = *t.parallelism;
  if (!p.vpp && p.pp != 1) return std::nullopt;
  Plan plan;
  plan.tp = p.tp;
  plan.pp = p.pp;
  plan.dp = p.dp;
  plan.cp = p.cp;
  plan.ep = p.ep;
  plan.vpp = p.vpp.value_or(1);
  plan.micro_batch = *t.micro_batch;
  plan.recompute = *t.recompute;
  plan.sequence_parallel = t.sequence_parallel.value_or(p.tp > 1) && p.tp > 1;
  plan.zero = *t.zero;
  return plan;
}

}  // namespace fleetsim
