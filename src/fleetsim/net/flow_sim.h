// FlowSimulator: runs a set of flows on the event engine with the max-min fair FlowModel. Time jumps from one
// flow completion to the next; completions at the same nanosecond are batched into one incremental re-solve of
// the components they touch, and only flows whose rate changed are rescheduled (the old event stays queued and
// is recognised as stale by a version number). A flow's completion time is when its last byte drains plus its
// path latency (store-and-forward of the tail is ignored).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "fleetsim/engine/engine.h"
#include "fleetsim/net/flow_model.h"

namespace fleetsim {

struct FlowRequest {
  std::vector<int32_t> links;
  double bytes = 0;  // infinity: a persistent background flow that loads links but never completes
  double cap = FlowModel::kNoCap;
  double latency = 0;  // seconds added to the completion
};

// Flows to start together, stored flat (one pool of link ids), so that a phase of 100,000 flows costs a few
// allocations rather than one per flow. Same fields as FlowRequest.
class FlowSet {
 public:
  void Add(std::span<const int32_t> links, double bytes, double cap, double latency) {
    first_.push_back(static_cast<uint32_t>(hops_.size()));
    hops_.insert(hops_.end(), links.begin(), links.end());
    bytes_.push_back(bytes);
    cap_.push_back(cap);
    latency_.push_back(latency);
  }
  void Reserve(size_t flows, size_t hops) {
    first_.reserve(flows);
    hops_.reserve(hops);
    bytes_.reserve(flows);
    cap_.reserve(flows);
    latency_.reserve(flows);
  }
  void Clear() {
    first_.clear();
    hops_.clear();
    bytes_.clear();
    cap_.clear();
    latency_.clear();
  }
  size_t size() const { return first_.size(); }
  size_t hops() const { return hops_.size(); }
  std::span<const int32_t> links(size_t i) const {
    const size_t end = i + 1 < first_.size() ? first_[i + 1] : hops_.size();
    return {hops_.data() + first_[i], end - first_[i]};
  }
  double bytes(size_t i) const { return bytes_[i]; }
  double cap(size_t i) const { return cap_[i]; }
  double latency(size_t i) const { return latency_[i]; }

 private:
  std::vector<uint32_t> first_;
  std::vector<int32_t> hops_;
  std::vector<double> bytes_, cap_, latency_;
};

class FlowSimulator : public EventHandler {
 public:
  static constexpr double kForever = std::numeric_limits<double>::infinity();

  // Completions due within `precision` (relative) of a batch of completions join it: those flows finish up to
  // that fraction early, and a run whose completions spread over time (all-to-all on a torus: thousands of
  // distinct times) needs several times fewer re-solves. Completions at one instant are exact either way.
  // 0 is exact.
  static constexpr double kDefaultPrecision = 1e-2;
  // The latest completion the engine's nanosecond clock can hold, with margin; a transfer that would end later is
  // an InputError (too much data for the links), never an overflow.
  static constexpr double kMaxSimulatedSeconds = 9.0e9;

  explicit FlowSimulator(const Topology& topo, double precision = kDefaultPrecision)
      : model_(topo), precision_(precision) {}

  // Starts every flow at time 0 and runs until all finite ones complete. Returns each flow's completion time in
  // seconds (infinity for persistent flows). Throws InputError when a completion lies past kMaxSimulatedSeconds.
  std::vector<double> Run(const FlowSet& flows);
  std::vector<double> Run(const std::vector<FlowRequest>& flows);
  uint64_t events() const { return events_; }
  uint64_t solves() const { return solves_; }

  void OnEvent(uint64_t payload) override;

 private:
  static constexpr uint64_t kSolve = ~uint64_t{0};
  static constexpr uint64_t kFlowMask = 0xffffffffULL;  // payload: version in the high 32 bits, flow in the low
  uint64_t Payload(size_t flow) const { return (uint64_t{version_[flow]} << 32) | flow; }
  bool Current(uint64_t payload) const {
    const size_t flow = payload & kFlowMask;
    return (payload >> 32) == version_[flow] && (version_[flow] & 1) != 0;
  }
  void Resolve();
  void Complete(size_t flow);

  FlowModel model_;
  double precision_;
  Engine* engine_ = nullptr;
  std::vector<double> remaining_, rate_, last_, latency_, done_;
  // Per flow: odd while a completion event of this version is pending. Rescheduling bumps the version instead of
  // cancelling: the stale event, still queued, no longer matches and is ignored when it comes.
  std::vector<uint32_t> version_;
  std::vector<int32_t> touched_;
  bool solve_pending_ = false;
  uint64_t events_ = 0;
  uint64_t solves_ = 0;
};

}  // namespace fleetsim
