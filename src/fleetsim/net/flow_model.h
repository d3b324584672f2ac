// FlowModel: max-min fair sharing of link capacity among active flows (progressive filling, as SimGrid's LMM
// solves it): every flow gets the largest rate such that no link is over capacity and no flow could go faster
// without slowing one that is no faster. A flow may carry its own injection cap. Adding or removing a flow only
// marks its links dirty; Solve() recomputes the connected components of flows that share links with a change, so
// untouched traffic elsewhere keeps its rates. Borrows the topology (it must outlive the model).
//
// Storage is flat, so that 100,000 flows cost a few allocations: the paths of all flows in one array, and the
// flows of every link in one index (compressed rows: each link's flows contiguous, in id order), built when a
// solve first meets new flows and compacted as removed flows are met. Walking a link's flows is then a scan,
// not a pointer chase, which is what dense traffic (all-to-all on a torus, 100 flows a link) pays for.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "fleetsim/core/radix_heap.h"
#include "fleetsim/net/topology.h"

namespace fleetsim {

class FlowModel {
 public:
  static constexpr double kNoCap = std::numeric_limits<double>::infinity();

  explicit FlowModel(const Topology& topo);

  // A flow over `links` (ids into the topology), capped at `cap` bytes/s. Returns its id (dense, from 0).
  int32_t Add(std::span<const int32_t> links, double cap = kNoCap);
  int32_t Add(std::initializer_list<int32_t> links, double cap = kNoCap) {
    return Add(std::span<const int32_t>(links.begin(), links.size()), cap);
  }
  void Remove(int32_t flow);
  // Recomputes the rates of every flow in a component touched since the last call, and lists them in `touched`.
  void Solve(std::vector<int32_t>* touched = nullptr);
  double rate(int32_t flow) const { return flows_[static_cast<size_t>(flow)].rate; }
  bool alive(int32_t flow) const { return flows_[static_cast<size_t>(flow)].alive; }
  size_t active() const { return active_; }
  // Room for `flows` more flows crossing `hops` links in all (an optimisation only).
  void Reserve(size_t flows, size_t hops);
  // Forgets every flow (keeps capacity for reuse).
  void Clear();

 private:
  // Everything a solve reads about a flow sits in one 32-byte record (one cache line fetch).
  struct Flow {
    uint32_t begin = 0;  // first link in path_
    uint32_t length = 0;
    double cap = kNoCap;
    double rate = 0;
    uint32_t mark = 0;  // epoch of the last component search that reached it
    bool alive = false;
    bool frozen = false;  // during a solve: rate fixed
  };
  // The same for a link: what is left of its capacity and how many unfrozen flows share it during a solve.
  struct LinkState {
    double remaining = 0;
    int32_t count = 0;
    uint32_t mark = 0;
  };
  // A link waiting in the progressive-filling heap; `key` orders like its (non-negative) fair share.
  struct LinkShare {
    uint64_t key;
    int32_t link;
  };
  static uint64_t ShareKey(double share) { return std::bit_cast<uint64_t>(share); }
  void MarkDirty(int32_t link);
  void MarkLinks(const Flow& f);
  void CollectComponents();
  void IndexLinks();

  const Topology& topo_;
  std::vector<Flow> flows_;
  std::vector<int32_t> path_;  // the links of every flow, flow after flow
  // Index of flows by link: link l's are link_flows_[link_begin_[l], link_end_[l]). Covers flows [0, indexed_);
  // may still list removed flows until a search compacts the link.
  std::vector<uint32_t> link_begin_, link_end_;
  std::vector<int32_t> link_flows_;
  size_t indexed_ = 0;
  bool index_exact_ = false;    // no flow removed since the index was built: its rows are the live flows
  std::vector<int32_t> dirty_;  // links changed since the last solve (may repeat)
  bool all_dirty_ = false;      // so many changed that the next solve takes everything
  std::vector<LinkState> links_;
  uint32_t epoch_ = 1;
  size_t active_ = 0;
  // Scratch for Solve.
  std::vector<int32_t> comp_links_, comp_flows_;
  RadixHeap<LinkShare> heap_;
  std::vector<std::pair<double, int32_t>> capped_;
};

}  // namespace fleetsim
