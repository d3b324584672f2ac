// FlowModel: max-min fair sharing of link capacity among active flows (progressive filling, as SimGrid's LMM
// solves it): every flow gets the largest rate such that no link is over capacity and no flow could go faster
// without slowing one that is no faster. A flow may carry its own injection cap. Adding or removing a flow only
// marks its links dirty; Solve() recomputes the connected components of flows that share links with a change, so
// untouched traffic elsewhere keeps its rates. Borrows the topology (it must outlive the model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "fleetsim/net/topology.h"

namespace fleetsim {

class FlowModel {
 public:
  static constexpr double kNoCap = std::numeric_limits<double>::infinity();

  explicit FlowModel(const Topology& topo);

  // A flow over `links` (ids into the topology), capped at `cap` bytes/s. Returns its id (dense, from 0).
  int32_t Add(const std::vector<int32_t>& links, double cap = kNoCap);
  void Remove(int32_t flow);
  // Recomputes the rates of every flow in a component touched since the last call, and lists them in `touched`.
  void Solve(std::vector<int32_t>* touched = nullptr);
  double rate(int32_t flow) const { return flows_[static_cast<size_t>(flow)].rate; }
  bool alive(int32_t flow) const { return flows_[static_cast<size_t>(flow)].alive; }
  size_t active() const { return active_; }
  // Forgets every flow (keeps capacity for reuse).
  void Clear();

 private:
  struct Flow {
    uint32_t begin = 0;  // into path_pool_
    uint32_t length = 0;
    double cap = kNoCap;
    double rate = 0;
    bool alive = false;
  };
  void MarkLinks(const Flow& f);

  const Topology& topo_;
  std::vector<Flow> flows_;
  std::vector<int32_t> path_pool_;
  std::vector<std::vector<int32_t>> link_flows_;  // may hold removed flows until the next solve compacts them
  std::vector<int32_t> dirty_;
  std::vector<uint32_t> link_mark_, flow_mark_;
  uint32_t epoch_ = 1;
  size_t active_ = 0;
  // Scratch for Solve.
  std::vector<double> remaining_;
  std::vector<int32_t> count_;
  std::vector<int32_t> comp_links_, comp_flows_;
  std::vector<std::pair<double, int32_t>> heap_;
  std::vector<std::pair<double, int32_t>> capped_;
  std::vector<uint8_t> frozen_;
};

}  // namespace fleetsim
