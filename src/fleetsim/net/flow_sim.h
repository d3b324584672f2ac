// FlowSimulator: runs a set of flows on the event engine with the max-min fair FlowModel. Time jumps from one
// flow completion to the next; completions at the same nanosecond are batched into one incremental re-solve of
// the components they touch, and only flows whose rate changed are rescheduled (lazy cancellation). A flow's
// completion time is when its last byte drains plus its path latency (store-and-forward of the tail is ignored).
#pragma once

#include <cstdint>
#include <limits>
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

class FlowSimulator : public EventHandler {
 public:
  static constexpr double kForever = std::numeric_limits<double>::infinity();

  explicit FlowSimulator(const Topology& topo) : model_(topo) {}

  // Starts every flow at time 0 and runs until all finite ones complete. Returns each flow's completion time in
  // seconds (infinity for persistent flows).
  std::vector<double> Run(const std::vector<FlowRequest>& flows);
  uint64_t events() const { return events_; }
  uint64_t solves() const { return solves_; }

  void OnEvent(uint64_t payload) override;

 private:
  static constexpr uint64_t kSolve = ~uint64_t{0};
  void Resolve();

  FlowModel model_;
  Engine* engine_ = nullptr;
  std::vector<double> remaining_, rate_, last_, latency_, done_;
  std::vector<EventId> event_;
  std::vector<int32_t> touched_;
  bool solve_pending_ = false;
  uint64_t events_ = 0;
  uint64_t solves_ = 0;
};

}  // namespace fleetsim
