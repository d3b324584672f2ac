#include "fleetsim/net/flow_sim.h"

#include <fmt/format.h>

#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {

std::vector<double> FlowSimulator::Run(const std::vector<FlowRequest>& flows) {
  FlowSet set;
  for (const FlowRequest& f : flows) set.Add(f.links, f.bytes, f.cap, f.latency);
  return Run(set);
}

std::vector<double> FlowSimulator::Run(const FlowSet& flows) {
  Engine engine;
  engine_ = &engine;
  model_.Clear();
  const size_t n = flows.size();
  remaining_.assign(n, 0);
  rate_.assign(n, 0);
  last_.assign(n, 0);
  latency_.assign(n, 0);
  done_.assign(n, kForever);
  FLEETSIM_CHECK(n < kFlowMask);
  version_.assign(n, 0);
  model_.Reserve(n, flows.hops());
  touched_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t id = model_.Add(flows.links(i), flows.cap(i));
    FLEETSIM_CHECK(static_cast<size_t>(id) == i);
    remaining_[i] = flows.bytes(i);
    latency_[i] = flows.latency(i);
    if (!(flows.bytes(i) > 0)) {  // nothing to send: done after the latency
      done_[i] = flows.latency(i);
      model_.Remove(id);
    }
  }
  solve_pending_ = false;
  Resolve();
  engine.Run();
  engine_ = nullptr;
  for (size_t i = 0; i < n; ++i) {
    FLEETSIM_CHECK(!(std::isinf(done_[i]) && std::isfinite(flows.bytes(i))));
  }
  return done_;
}

void FlowSimulator::Resolve() {
  touched_.clear();
  model_.Solve(&touched_);
  ++solves_;
  const double now = engine_->now().ToSeconds().value();
  for (int32_t f : touched_) {
    const auto i = static_cast<size_t>(f);
    if (!model_.alive(f)) continue;
    const double r = model_.rate(f);
    if (r == rate_[i] && (version_[i] & 1) != 0) continue;  // its completion stands
    remaining_[i] = std::max(0.0, remaining_[i] - rate_[i] * (now - last_[i]));
    last_[i] = now;
    rate_[i] = r;
    version_[i] = (version_[i] | 1) + 1;      // even: nothing pending; any event already scheduled is now stale
    if (std::isinf(remaining_[i])) continue;  // persistent
    if (!(r > 0)) {
      throw InternalError("a flow got no bandwidth: a link on its path has no capacity left");
    }
    const double dt = std::isinf(r) ? 0.0 : remaining_[i] / r;
    if (!(now + dt <= kMaxSimulatedSeconds)) {
      throw InputError(
          "", 0,
          fmt::format("a transfer would end {:.3g} s after the start, beyond the simulator's clock "
                      "({:.3g} s, about 285 years of nanoseconds); send less data or use faster links",
                      now + dt, kMaxSimulatedSeconds));
    }
    const auto ns = static_cast<int64_t>(std::ceil(dt * 1e9));
    version_[i] |= 1;  // odd: this version's completion is pending
    engine_->ScheduleAfter(SimTime::FromNanoseconds(ns), this, Payload(i));
  }
}

void FlowSimulator::Complete(size_t i) {
  done_[i] = engine_->now().ToSeconds().value() + latency_[i];
  remaining_[i] = 0;
  version_[i] = (version_[i] | 1) + 1;
  model_.Remove(static_cast<int32_t>(i));
}

void FlowSimulator::OnEvent(uint64_t payload) {
  ++events_;
  if (payload == kSolve) {
    solve_pending_ = false;
    // Flows due within `precision` of now finish with this batch (early by at most that fraction), so that
    // completions spread over time share a re-solve. Every event in this engine is this simulator's.
    if (precision_ > 0) {
      const int64_t now = engine_->now().nanoseconds();
      const SimTime limit =
          SimTime::FromNanoseconds(now + static_cast<int64_t>(precision_ * static_cast<double>(now)));
      EventQueue& queue = engine_->queue();
      EventQueue::Event e;
      while (queue.PeekTime() <= limit && queue.Pop(e)) {
        ++events_;
        if (e.payload != kSolve && Current(e.payload)) Complete(e.payload & kFlowMask);
      }
    }
    Resolve();
    return;
  }
  if (!Current(payload)) return;  // rescheduled since: a later event stands for it
  Complete(payload & kFlowMask);
  if (!solve_pending_) {
    solve_pending_ = true;  // after every completion at this instant: they were scheduled before this event
    engine_->ScheduleAfter(SimTime(), this, kSolve);
  }
}

}  // namespace fleetsim
