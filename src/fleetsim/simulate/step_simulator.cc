#include "fleetsim/simulate/step_simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <iterator>
#include <limits>

#include "fleetsim/core/error.h"
#include "fleetsim/engine/engine.h"

namespace fleetsim {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// One layer's operations in forward order (the backward runs them in reverse): the tensor-parallel gather before
// the attention block, the context-parallel key/value exchange, the attention kernels, the reduce-scatter after
// the block; the gather before the MLP, the expert dispatch, the MLP or experts, the combine, the reduce-scatter.
enum class LayerStep { kTensorParallel, kContextParallel, kAttention, kExpertParallel, kMlp };
constexpr LayerStep kLayerSteps[] = {
    LayerStep::kTensorParallel, LayerStep::kContextParallel, LayerStep::kAttention, LayerStep::kTensorParallel,
    LayerStep::kTensorParallel, LayerStep::kExpertParallel,  LayerStep::kMlp,       LayerStep::kExpertParallel,
    LayerStep::kTensorParallel};

// The run of one step: the stages' state and the event handler that moves it. Events carry the stage in the low
// 32 bits and what happened in the high ones: a pass ended, or a stage was woken to look for work again.
class StepRun final : public EventHandler {
 public:
  StepRun(const PipelineCosts& costs, const Plan& plan, const StepSimulationOptions& options)
      : c_(costs),
        options_(options),
        pp_(plan.pp),
        chunks_(options.schedule == PipelineSchedule::kInterleaved ? std::max(1, plan.vpp) : 1),
        m_(static_cast<int>(costs.micro_batches)),
        zb_(options.schedule == PipelineSchedule::kZbH1),
        buckets_(ReductionBuckets(costs, plan.pp, chunks_)),
        stages_(static_cast<size_t>(pp_)),
        progress_(options.progress) {
    for (int s = 0; s < pp_; ++s) {
      Stage& st = stages_[static_cast<size_t>(s)];
      st.order = StageOrder(options.schedule, s, pp_, m_, chunks_);
      // ZB-H1 splits every backward pass in two: input gradients in the order, weight gradients beside it.
      passes_total_ += static_cast<int64_t>(st.order.size()) * (zb_ ? 3 : 2) / 2;
      const size_t slots = static_cast<size_t>(m_) * static_cast<size_t>(chunks_);
      st.forward_ready.assign(slots, kNever);
      st.backward_ready.assign(slots, kNever);
      st.gather_done.assign(static_cast<size_t>(chunks_), 0.0);
      st.pending_grads.assign(static_cast<size_t>(chunks_), m_);
      if (static_cast<size_t>(s) < options.stage_slowdown.size())
        st.slow = options.stage_slowdown[static_cast<size_t>(s)];
      st.activity.layers = costs.stage_layers[static_cast<size_t>(s)];
    }
    // The first virtual stage has its inputs at once.
    for (int mb = 0; mb < m_; ++mb) stages_[0].forward_ready[Slot(mb, 0)] = 0.0;
    // The parameters updated by the last step are gathered first (ZeRO >= 1), one chunk after another.
    // Under ZeRO-3 each pass gathers its own, the first one now and each next one while the previous runs.
    for (int s = 0; s < pp_ && c_.dp_gather > Seconds(0); ++s) {
      Stage& st = stages_[static_cast<size_t>(s)];
      if (c_.gather_every_micro_batch) {
        st.next_gather_done = Communicate(s, 0.0, Gather(), false, 0);
        st.next_gather_op = st.dp_ops.size() - 1;
        continue;
      }
      for (int ch = 0; ch < chunks_; ++ch) {
        st.gather_done[static_cast<size_t>(ch)] = Communicate(s, 0.0, Gather(), false, ch, ch);
      }
    }
  }

  StepSimulation Run() {
    for (int s = 0; s < pp_; ++s) engine_.Schedule(SimTime(), this, Encode(kWake, s));
    engine_.Run();
    StepSimulation out;
    out.schedule = options_.schedule;
    out.events = engine_.events_run();
    double end = 0.0, busiest = 0.0;
    for (int s = 0; s < pp_; ++s) {
      Stage& st = stages_[static_cast<size_t>(s)];
      if (st.next < st.order.size() || !st.pending_w.empty()) {
        throw InternalError("pipeline schedule stalled: stage " + std::to_string(s) + " could not run its passes");
      }
      if (!c_.dp_overlap) FlushReductions(s);
      st.activity.compute_end = Seconds(st.compute_end);
      st.activity.end = Seconds(std::max(st.compute_end, st.comm_free));
      // Rounding of the engine's nanosecond clock can leave a stage that never waited a hair below zero.
      st.activity.waiting = Seconds(std::max(0.0, st.compute_end - st.activity.compute_busy.value()));
      if (st.activity.end.value() > end) {
        end = st.activity.end.value();
        out.critical_stage = s;
      }
      busiest = std::max(busiest, st.activity.compute_busy.value());
      out.stages.push_back(st.activity);
    }
    out.optimizer = c_.optimizer;
    // Each stage updates its parameters once its own gradients are reduced (stream 3, for traces).
    for (int s = 0; s < pp_ && c_.optimizer > Seconds(0); ++s) {
      Record(s, 3, {PassKind::kForward, -1, 0}, false, out.stages[static_cast<size_t>(s)].end.value(),
             c_.optimizer.value());
    }
    out.sync_wait = Seconds(busiest * c_.sync_jitter);
    out.step_time = Seconds(end) + out.optimizer + out.sync_wait;
    out.spans = std::move(spans_);
    out.spans_truncated = truncated_;
    return out;
  }

  void OnEvent(uint64_t payload) override {
    const int s = static_cast<int>(payload & 0xffffffffu);
    Stage& st = stages_[static_cast<size_t>(s)];
    if ((payload >> 32) == kPassDone) {
      st.busy = false;
      Finish(s, st, st.running);
      if (progress_ && ++passes_done_ % kProgressEvery == 0) progress_(passes_done_, passes_total_);
    }
    TryStart(s, st);
  }

 private:
  static constexpr uint64_t kPassDone = 1;
  static constexpr int64_t kProgressEvery = 4096;
  static constexpr uint64_t kWake = 2;

  // A data-parallel collective on a stage's communication stream: when it may start, when it starts and ends as
  // scheduled now (a transfer sharing the NIC pushes it, and those queued behind it, later), and what waits for
  // its end.
  struct DpOp {
    double earliest = 0;
    double start = 0;
    double end = 0;
    int gather_chunk = -1;   // a chunk's parameter gather: gather_done[chunk] is its end
    size_t span = SIZE_MAX;  // its span, when recorded
  };

  struct Stage {
    std::vector<Pass> order;  // F and B passes in issue order
    size_t next = 0;
    std::deque<Pass> pending_w;         // ZB-H1: weight-gradient passes not yet run
    std::vector<double> forward_ready;  // by slot: when the pass's input is here
    std::vector<double> backward_ready;
    std::vector<double> gather_done;  // by chunk: the parameters are gathered
    std::vector<int> pending_grads;   // by chunk: micro-batches whose gradients are not complete yet
    std::vector<std::pair<double, int>> deferred_reductions;  // (earliest start, chunk) without dp_overlap
    std::vector<double> layer_done;  // the pass that ran last: when each of its layers' gradients were done
    double slow = 1.0;
    bool busy = false;
    Pass running;
    double free_at = 0;  // a blocking send may hold the stream after a pass
    double compute_end = 0;
    double comm_free = 0;
    double next_gather_done = 0;       // ZeRO-3: the gather for the next pass
    std::vector<DpOp> dp_ops;          // its data-parallel collectives, in queue order
    size_t dp_live = 0;                // the first of them that may not have ended yet
    size_t next_gather_op = SIZE_MAX;  // ZeRO-3: the op whose end next_gather_done is
    StageActivity activity;
  };

  static uint64_t Encode(uint64_t what, int stage) { return what << 32 | static_cast<uint32_t>(stage); }
  size_t Slot(int mb, int chunk) const { return static_cast<size_t>(mb) * static_cast<size_t>(chunks_) + chunk; }
  double Now() const { return engine_.now().ToSeconds().value(); }
  Seconds Gather() const { return c_.dp_gather / static_cast<double>(chunks_); }
  // One bucket of a chunk's gradient reduction.
  Seconds Reduce() const { return c_.dp_reduce / static_cast<double>(chunks_ * buckets_); }
  int64_t ChunkLayers(int s) const {
    return std::max<int64_t>(1, c_.stage_layers[static_cast<size_t>(s)] / chunks_);
  }

  // Runs pass `p` of stage s from `start`: its layers' operations one after another on the compute stream (the
  // exposed collectives hold it as their results are needed), in forward order (tensor-parallel gather, key/value
  // exchange, attention, reduce-scatter; gather, expert dispatch, MLP or experts, combine, reduce-scatter) or in
  // reverse for the backward, the head after the last layer's forward and before its backward. Each expert
  // all-to-all takes the fabric's factor in force when it starts. Returns the pass's duration and what the fabric
  // added to it; records the collectives (stream 2).
  std::pair<Seconds, Seconds> RunPass(int s, const Pass& p, double start) {
    const double slow = stages_[static_cast<size_t>(s)].slow;
    const double layers = static_cast<double>(c_.stage_layers[static_cast<size_t>(s)]) / chunks_;
    const bool head = s == pp_ - 1 && p.chunk == chunks_ - 1;
    double t = start;
    double extra = 0;
    auto compute = [&](Seconds d) { t += d.value() * slow; };
    auto collective = [&](PassCollective op, Seconds nominal, double bytes, int layer) {
      if (nominal <= Seconds(0)) return;
      double d = nominal.value() * slow;
      if (op == PassCollective::kExpertParallel) {
        const double factor = EpFactor(s, t);
        extra += d * (factor - 1.0);
        d *= factor;
      }
      const bool on_nic = (op == PassCollective::kExpertParallel && c_.nic.ep) ||
                          (op == PassCollective::kContextParallel && c_.nic.cp);
      if (on_nic && c_.nic.dp) d = ShareNic(s, t, d);
      RecordCollective(s, p, op, layer, bytes, t, d);
      t += d;
    };
    const double whole = std::ceil(layers - 1e-9);
    std::vector<double>& done = stages_[static_cast<size_t>(s)].layer_done;
    done.clear();
    if (p.kind == PassKind::kWeightGrad) {
      for (int l = 0; l < static_cast<int>(whole); ++l) {
        compute(c_.layer_weight_grad * std::min(1.0, layers - l));
        done.push_back(t);
      }
      return {Seconds(t - start), Seconds(extra)};
    }
    const bool forward = p.kind == PassKind::kForward;
    const Seconds tp = (forward ? c_.layer_tp_forward : c_.layer_tp_comm - c_.layer_tp_forward) / 4.0;
    const Seconds cp = forward ? c_.layer_cp_forward : c_.layer_cp_comm - c_.layer_cp_forward;
    const Seconds ep = (forward ? c_.layer_ep_forward : c_.layer_ep_comm - c_.layer_ep_forward) / 2.0;
    const Seconds attention = forward ? c_.layer_attention_forward : c_.layer_attention_backward;
    Seconds mlp = (forward ? c_.layer_compute_forward : c_.layer_compute_backward) - attention;
    if (!forward && zb_) mlp -= c_.layer_weight_grad;  // ZB-H1 defers the weight gradients to their own pass
    if (!forward && head) compute(c_.head_backward);
    for (int l = 0; l < static_cast<int>(whole); ++l) {
      // A stage whose layers do not divide into its chunks runs a fraction of a layer in each.
      const double w = std::min(1.0, layers - l);
      const int layer = forward ? l : static_cast<int>(whole) - 1 - l;
      for (size_t k = 0; k < std::size(kLayerSteps); ++k) {
        switch (kLayerSteps[forward ? k : std::size(kLayerSteps) - 1 - k]) {
          case LayerStep::kTensorParallel:
            collective(PassCollective::kTensorParallel, tp * w, c_.tp_bytes, layer);
            break;
          case LayerStep::kContextParallel:
            collective(PassCollective::kContextParallel, cp * w, c_.cp_bytes, layer);
            break;
          case LayerStep::kExpertParallel:
            collective(PassCollective::kExpertParallel, ep * w, c_.ep_bytes, layer);
            break;
          case LayerStep::kAttention:
            compute(attention * w);
            break;
          case LayerStep::kMlp:
            compute(mlp * w);
            break;
        }
      }
      if (!forward) done.push_back(t);
    }
    if (forward && head) compute(c_.head_forward);
    return {Seconds(t - start), Seconds(extra)};
  }

  void RecordCollective(int s, const Pass& p, PassCollective op, int layer, double bytes, double start,
                        double duration) {
    const size_t i = Record(s, 2, p, false, start, duration);
    if (i == SIZE_MAX) return;
    spans_[i].op = op;
    spans_[i].layer = layer;
    spans_[i].bytes = bytes;
  }

  // The nominal duration of a pass (the fabric's extra is added where it starts).
  Seconds Duration(int s, const Pass& p) const {
    const double layers = static_cast<double>(c_.stage_layers[static_cast<size_t>(s)]) / chunks_;
    const bool head = s == pp_ - 1 && p.chunk == chunks_ - 1;
    Seconds t;
    switch (p.kind) {
      case PassKind::kForward:
        t = c_.layer_forward * layers + (head ? c_.head_forward : Seconds(0));
        break;
      case PassKind::kBackward:
        t = (zb_ ? c_.layer_backward - c_.layer_weight_grad : c_.layer_backward) * layers +
            (head ? c_.head_backward : Seconds(0));
        break;
      case PassKind::kWeightGrad:
        t = c_.layer_weight_grad * layers;
        break;
    }
    return t * stages_[static_cast<size_t>(s)].slow;
  }

  // The factor of the last change at or before `start` for stage s: of its data-parallel collectives, or of the
  // expert-parallel all-to-all in its passes.
  double FactorAt(int s, double start, std::vector<double> CommChange::*which) const {
    double factor = 1.0;
    for (const CommChange& change : options_.comm_changes) {
      if (change.at_s > start) break;
      const std::vector<double>& f = change.*which;
      factor = static_cast<size_t>(s) < f.size() ? f[static_cast<size_t>(s)] : 1.0;
    }
    return factor;
  }
  double CommFactor(int s, double start) const { return FactorAt(s, start, &CommChange::factor); }
  double EpFactor(int s, double start) const { return FactorAt(s, start, &CommChange::ep_factor); }
  // The boundary after stage b carries both directions between b and b + 1 (mod pp).
  double PpFactor(int from, int to, double start) const {
    const int boundary = (to == (from + 1) % pp_) ? from : to;
    return FactorAt(boundary, start, &CommChange::pp_factor);
  }

  // Queues a collective on the stage's communication stream (first come, first served) no earlier than
  // `earliest`, at the fabric's factor when it starts; returns when it ends. `gather_chunk`: the chunk whose
  // gather_done it sets (the caller stores the return value; a later delay updates it).
  double Communicate(int s, double earliest, Seconds nominal, bool reduce, int chunk, int gather_chunk = -1) {
    Stage& st = stages_[static_cast<size_t>(s)];
    const double start = std::max(earliest, st.comm_free);
    const Seconds duration = nominal * CommFactor(s, start);
    st.comm_free = start + duration.value();
    st.activity.comm_busy += duration;
    st.dp_ops.push_back({earliest, start, st.comm_free, gather_chunk,
                         Record(s, 1, {PassKind::kForward, -1, chunk}, reduce, start, duration.value())});
    return st.comm_free;
  }

  // Pushes stage s's data-parallel collective `i` `delay` seconds later in its end, and those queued behind it
  // as far as they were waiting for it; updates what waits for their ends.
  void DelayCollective(int s, size_t i, double delay) {
    Stage& st = stages_[static_cast<size_t>(s)];
    st.activity.comm_busy += Seconds(delay);
    st.dp_ops[i].end += delay;
    for (size_t j = i; j < st.dp_ops.size(); ++j) {
      DpOp& op = st.dp_ops[j];
      if (j > i) {
        const double start = std::max(op.earliest, st.dp_ops[j - 1].end);
        if (start <= op.start) break;  // it was not waiting for the one before
        op.end += start - op.start;
        op.start = start;
      }
      if (op.gather_chunk >= 0) st.gather_done[static_cast<size_t>(op.gather_chunk)] = op.end;
      if (j == st.next_gather_op) st.next_gather_done = op.end;
      if (op.span != SIZE_MAX) {
        spans_[op.span].start_s = op.start;
        spans_[op.span].duration_s = op.end - op.start;
      }
    }
    st.comm_free = std::max(st.comm_free, st.dp_ops.back().end);
  }

  // A transfer of `work` seconds (at the full rate of the link) from `start` through stage s's NIC, which the
  // stage's data-parallel collectives use too. While one of them runs the two share the NIC half and half: the
  // transfer takes longer, and every second of work it does then pushes the collective's end (and the ones
  // queued behind it) a second later. Returns the transfer's duration. A collective queued after the transfer
  // was timed does not slow it.
  double ShareNic(int s, double start, double work) {
    Stage& st = stages_[static_cast<size_t>(s)];
    const double now = Now();
    while (st.dp_live < st.dp_ops.size() && st.dp_ops[st.dp_live].end <= now) ++st.dp_live;
    double t = start;
    double left = work;
    for (size_t i = st.dp_live; i < st.dp_ops.size() && left > 0; ++i) {
      const DpOp& op = st.dp_ops[i];
      if (op.end <= t) continue;
      if (op.start > t) {
        const double gap = op.start - t;
        if (gap >= left) break;
        t = op.start;
        left -= gap;
      }
      const double shared = std::min(left, op.end - t);
      t += 2.0 * shared;
      left -= shared;
      DelayCollective(s, i, shared);
    }
    const double duration = t + left - start;
    st.activity.nic_contention += Seconds(duration - work);
    return duration;
  }

  size_t Record(int s, int stream, const Pass& p, bool reduce, double start, double duration) {
    if (!options_.record_spans) return SIZE_MAX;
    if (spans_.size() >= options_.max_spans) {
      truncated_ = true;
      return SIZE_MAX;
    }
    spans_.push_back({s, stream, p.kind, p.micro_batch, p.chunk, reduce, start, duration});
    return spans_.size() - 1;
  }

  // When `p` may start on stage s: its input, and the parameters it needs.
  double ReadyAt(int s, Stage& st, const Pass& p) const {
    double at = p.kind == PassKind::kForward ? st.forward_ready[Slot(p.micro_batch, p.chunk)]
                                             : st.backward_ready[Slot(p.micro_batch, p.chunk)];
    // Parameters arrive layer by layer: the pass may start once all but its last layer's share is gathered.
    const double layers = static_cast<double>(ChunkLayers(s));
    const double lead = Duration(s, p).value() * (layers - 1.0) / layers;
    if (c_.gather_every_micro_batch && c_.dp_gather > Seconds(0)) {
      at = std::max(at, st.next_gather_done - lead);
    } else if (p.kind == PassKind::kForward && p.micro_batch == 0) {
      at = std::max(at, st.gather_done[static_cast<size_t>(p.chunk)] - lead);
    }
    return at;
  }

  void TryStart(int s, Stage& st) {
    if (st.busy) return;
    const double now = Now();
    // Times compare on the engine's nanosecond clock, so that a wake-up rounded to now finds its work ready.
    auto reached = [&](double t) { return SimTime::FromSeconds(Seconds(t)) <= engine_.now(); };
    if (!reached(st.free_at)) {
      engine_.Schedule(SimTime::FromSeconds(Seconds(st.free_at)), this, Encode(kWake, s));
      return;
    }
    Pass pass;
    bool have = false;
    // ZB-H1 keeps at most as many weight-gradient passes waiting as 1F1B keeps activations.
    const size_t w_limit = static_cast<size_t>(pp_ - s);
    if (zb_ && !st.pending_w.empty() && (st.pending_w.size() >= w_limit || st.next == st.order.size())) {
      pass = st.pending_w.front();
      st.pending_w.pop_front();
      have = true;
    } else if (st.next < st.order.size()) {
      const Pass& candidate = st.order[st.next];
      const double ready = ReadyAt(s, st, candidate);
      if (reached(ready)) {
        pass = candidate;
        ++st.next;
        have = true;
      } else if (zb_ && !st.pending_w.empty()) {
        pass = st.pending_w.front();  // fill the wait with deferred weight gradients
        st.pending_w.pop_front();
        have = true;
      } else if (ready < kNever) {
        engine_.Schedule(SimTime::FromSeconds(Seconds(ready)), this, Encode(kWake, s));
      }
    }
    if (!have) return;
    const auto [duration, extra] = RunPass(s, pass, now);
    st.busy = true;
    st.running = pass;
    st.activity.compute_busy += duration;
    st.activity.fabric_extra += extra;
    if (c_.gather_every_micro_batch && c_.dp_gather > Seconds(0) && pass.kind != PassKind::kWeightGrad &&
        st.next < st.order.size()) {
      // FSDP prefetches the next pass's parameters while this one runs (the last pass has none to fetch).
      st.next_gather_done = Communicate(s, now, Gather(), false, st.order[st.next].chunk);
      st.next_gather_op = st.dp_ops.size() - 1;
    }
    Record(s, 0, pass, false, now, duration.value());
    engine_.Schedule(SimTime::FromSeconds(Seconds(now + duration.value())), this, Encode(kPassDone, s));
  }

  // A transfer from stage `from` to its neighbour `to` starting at `start`, at the fabric's factor then.
  Seconds TransferTime(int from, int to, double start) const {
    Seconds nominal = c_.p2p;
    if (c_.stages_per_site > 0) {
      const int upper = std::max(from, to);
      if (upper % c_.stages_per_site == 0) nominal = c_.boundary;
    }
    return nominal * PpFactor(from, to, start);
  }

  void Finish(int s, Stage& st, const Pass& p) {
    const double now = Now();
    st.compute_end = now;
    const int virtual_stages = pp_ * chunks_;
    const int v = p.chunk * pp_ + s;
    auto deliver = [&](int to_v, bool forward) {
      const int to = to_v % pp_;
      const int chunk = to_v / pp_;
      Seconds transfer = to == s ? Seconds(0) : TransferTime(s, to, now);
      if (to != s && c_.nic.pp && c_.nic.dp) {
        // The activation leaves through the sender's NIC and arrives through the receiver's.
        const double work = transfer.value();
        transfer = Seconds(std::max(ShareNic(s, now, work), ShareNic(to, now, work)));
      }
      if (!c_.pp_async && to != s) st.free_at = std::max(st.free_at, now + transfer.value());
      Stage& dst = stages_[static_cast<size_t>(to)];
      auto& ready = forward ? dst.forward_ready : dst.backward_ready;
      ready[Slot(p.micro_batch, chunk)] = now + transfer.value();
      engine_.Schedule(SimTime::FromSeconds(Seconds(now + transfer.value())), this, Encode(kWake, to));
    };
    switch (p.kind) {
      case PassKind::kForward:
        if (v + 1 < virtual_stages) {
          deliver(v + 1, true);
        } else {
          st.backward_ready[Slot(p.micro_batch, p.chunk)] = now;  // the loss: backward starts here
        }
        break;
      case PassKind::kBackward:
        if (v > 0) deliver(v - 1, false);
        if (zb_) {
          st.pending_w.push_back({PassKind::kWeightGrad, p.micro_batch, p.chunk});
        } else {
          GradientsDone(s, st, p, now);
        }
        break;
      case PassKind::kWeightGrad:
        GradientsDone(s, st, p, now);
        break;
    }
  }

  // A micro-batch's gradients of one chunk are complete: reduce them now (ZeRO-2/3 with sharded accumulation),
  // or once every micro-batch's are, in buckets, each as soon as the pass had finished its layers' gradients.
  void GradientsDone(int s, Stage& st, const Pass& p, double now) {
    if (c_.dp_reduce <= Seconds(0)) return;
    if (!c_.reduce_every_micro_batch && --st.pending_grads[static_cast<size_t>(p.chunk)] > 0) return;
    const size_t layers = st.layer_done.size();
    for (int b = 0; b < buckets_; ++b) {
      // Bucket b holds the layers up to the (b + 1)/buckets share of the pass's, in the order they finished.
      const size_t last = std::min(
          layers - 1, static_cast<size_t>(std::ceil(static_cast<double>((b + 1) * layers) / buckets_ - 1e-9)) - 1);
      const double earliest = layers > 0 ? st.layer_done[last] : now;
      if (c_.reduce_every_micro_batch || c_.dp_overlap) {
        Communicate(s, earliest, Reduce(), true, p.chunk);
      } else {
        st.deferred_reductions.push_back({earliest, p.chunk});
      }
    }
  }

  // Without dp_overlap the stack reduces once the stage's backward is over.
  void FlushReductions(int s) {
    Stage& st = stages_[static_cast<size_t>(s)];
    for (const auto& [earliest, chunk] : st.deferred_reductions) {
      Communicate(s, std::max(earliest, st.compute_end), Reduce(), true, chunk);
    }
    st.deferred_reductions.clear();
  }

  const PipelineCosts& c_;
  const StepSimulationOptions& options_;
  const int pp_;
  const int chunks_;
  const int m_;
  const bool zb_;
  const int buckets_;  // a chunk's gradient reduction is issued in this many buckets
  std::vector<Stage> stages_;
  Engine engine_;
  std::function<void(int64_t, int64_t)> progress_;
  int64_t passes_done_ = 0;
  int64_t passes_total_ = 0;
  std::vector<SimSpan> spans_;
  bool truncated_ = false;
};

}  // namespace

int ReductionBuckets(const PipelineCosts& costs, int pp, int chunks) {
  int64_t layers = 0;
  for (int64_t l : costs.stage_layers) layers += l;
  const double per_chunk = static_cast<double>(layers) / static_cast<double>(std::max(1, pp * chunks));
  return std::max(1, static_cast<int>(std::ceil(per_chunk - 1e-9)));
}

StepSimulation SimulateStep(const PipelineCosts& costs, const Plan& plan, const StepSimulationOptions& options) {
  StepRun run(costs, plan, options);
  return run.Run();
}

}  // namespace fleetsim
