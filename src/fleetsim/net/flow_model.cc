#include "fleetsim/net/flow_model.h"

#include <algorithm>

#include "fleetsim/core/error.h"

namespace fleetsim {

FlowModel::FlowModel(const Topology& topo)
    : topo_(topo),
      link_begin_(topo.num_links() + 1, 0),
      link_end_(topo.num_links(), 0),
      links_(topo.num_links()) {}

void FlowModel::MarkDirty(int32_t link) {
  if (all_dirty_) return;
  dirty_.push_back(link);
  // Past one entry per link the whole-model pass is taken anyway; stop listing.
  if (dirty_.size() > links_.size()) all_dirty_ = true;
}

void FlowModel::MarkLinks(const Flow& f) {
  for (uint32_t i = 0; i < f.length; ++i) MarkDirty(path_[f.begin + i]);
}

int32_t FlowModel::Add(std::span<const int32_t> links, double cap) {
  FLEETSIM_CHECK(cap > 0);
  Flow f;
  f.begin = static_cast<uint32_t>(path_.size());
  f.length = static_cast<uint32_t>(links.size());
  f.cap = cap;
  f.alive = true;
  f.rate = links.empty() ? cap : 0;
  const auto id = static_cast<int32_t>(flows_.size());
  for (int32_t l : links) {
    path_.push_back(l);
    MarkDirty(l);
  }
  flows_.push_back(f);
  ++active_;
  return id;
}

void FlowModel::Remove(int32_t id) {
  Flow& f = flows_[static_cast<size_t>(id)];
  if (!f.alive) return;
  f.alive = false;
  index_exact_ = false;
  f.rate = 0;
  --active_;
  MarkLinks(f);
}

void FlowModel::Reserve(size_t flows, size_t hops) {
  flows_.reserve(flows_.size() + flows);
  path_.reserve(path_.size() + hops);
}

void FlowModel::Clear() {
  flows_.clear();
  path_.clear();
  indexed_ = 0;
  std::fill(link_end_.begin(), link_end_.end(), 0);
  dirty_.clear();
  all_dirty_ = false;
  active_ = 0;
}

// Rebuilds the index of flows by link when flows were added since it was built (in practice once per run: the
// simulator adds every flow before the first solve). Live flows only, in id order.
void FlowModel::IndexLinks() {
  if (indexed_ == flows_.size()) return;
  const size_t links = links_.size();
  std::fill(link_begin_.begin(), link_begin_.end(), 0);
  for (const Flow& f : flows_) {
    if (!f.alive) continue;
    for (uint32_t k = 0; k < f.length; ++k) ++link_begin_[static_cast<size_t>(path_[f.begin + k]) + 1];
  }
  for (size_t l = 0; l < links; ++l) link_begin_[l + 1] += link_begin_[l];
  link_flows_.resize(link_begin_[links]);
  std::copy(link_begin_.begin(), link_begin_.end() - 1, link_end_.begin());
  for (size_t fi = 0; fi < flows_.size(); ++fi) {
    const Flow& f = flows_[fi];
    if (!f.alive) continue;
    for (uint32_t k = 0; k < f.length; ++k) {
      link_flows_[link_end_[static_cast<size_t>(path_[f.begin + k])]++] = static_cast<int32_t>(fi);
    }
  }
  indexed_ = flows_.size();
  index_exact_ = true;
}

// The links whose flows must be re-solved: the components reachable from the dirty links through shared flows,
// found by a breadth-first search that also compacts removed flows out of the link index. When the dirty links
// are a large share of all links (the first solve, or every flow of a symmetric step ending at once) the search
// would visit nearly everything in random order, so every live flow is taken in one sequential pass instead;
// solving a component that did not change gives it the same rates, which the simulator then leaves alone. Sets
// each link's count of live flows, and marks every flow that is not to be solved as frozen.
void FlowModel::CollectComponents() {
  ++epoch_;
  comp_links_.clear();
  comp_flows_.clear();
  if (!all_dirty_) {
    for (int32_t l : dirty_) {
      LinkState& s = links_[static_cast<size_t>(l)];
      if (s.mark == epoch_) continue;
      s.mark = epoch_;
      comp_links_.push_back(l);
    }
  }
  dirty_.clear();
  if (all_dirty_ || comp_links_.size() * 8 > links_.size()) {
    all_dirty_ = false;
    comp_links_.clear();
    comp_links_.reserve(links_.size());
    comp_flows_.reserve(flows_.size());
    // With no removal since the index was built, its rows are the live counts; otherwise count along paths.
    for (size_t l = 0; l < links_.size(); ++l) {
      links_[l].count = index_exact_ ? static_cast<int32_t>(link_end_[l] - link_begin_[l]) : 0;
    }
    for (size_t fi = 0; fi < flows_.size(); ++fi) {
      Flow& f = flows_[fi];
      f.frozen = !f.alive;  // removed flows still listed on links are skipped as if frozen
      if (!f.alive) continue;
      comp_flows_.push_back(static_cast<int32_t>(fi));
      if (index_exact_) continue;
      for (uint32_t k = 0; k < f.length; ++k) ++links_[static_cast<size_t>(path_[f.begin + k])].count;
    }
    for (size_t l = 0; l < links_.size(); ++l) {
      if (links_[l].count > 0) comp_links_.push_back(static_cast<int32_t>(l));
    }
    return;
  }
  for (size_t qi = 0; qi < comp_links_.size(); ++qi) {
    const auto l = static_cast<size_t>(comp_links_[qi]);
    uint32_t keep = link_begin_[l];
    for (uint32_t r = link_begin_[l]; r < link_end_[l]; ++r) {
      const int32_t fid = link_flows_[r];
      Flow& f = flows_[static_cast<size_t>(fid)];
      if (!f.alive) continue;  // compacted away
      link_flows_[keep++] = fid;
      if (f.mark == epoch_) continue;
      f.mark = epoch_;
      f.frozen = false;
      comp_flows_.push_back(fid);
      for (uint32_t k = 0; k < f.length; ++k) {
        const int32_t l2 = path_[f.begin + k];
        LinkState& s = links_[static_cast<size_t>(l2)];
        if (s.mark == epoch_) continue;
        s.mark = epoch_;
        comp_links_.push_back(l2);
      }
    }
    const auto count = static_cast<int32_t>(keep - link_begin_[l]);
    link_end_[l] = keep;
    links_[l].count = count;
  }
  // Later passes walk the flows and links; in id order they touch memory in order. A large component is listed
  // again by a sequential scan of the marks, a small one is left as found.
  if (comp_flows_.size() * 8 > flows_.size()) {
    comp_flows_.clear();
    for (size_t f = 0; f < flows_.size(); ++f) {
      if (flows_[f].mark == epoch_) comp_flows_.push_back(static_cast<int32_t>(f));
    }
  }
  if (comp_links_.size() * 8 > links_.size()) {
    comp_links_.clear();
    for (size_t l = 0; l < links_.size(); ++l) {
      if (links_[l].mark == epoch_) comp_links_.push_back(static_cast<int32_t>(l));
    }
  }
}

void FlowModel::Solve(std::vector<int32_t>* touched) {
  if (dirty_.empty() && !all_dirty_) return;
  IndexLinks();
  CollectComponents();
  // Progressive filling: repeatedly saturate the link (or flow cap) with the smallest fair share. Freezing flows
  // at the smallest share can only raise the share of the other links they cross, so the smallest share never
  // decreases: the links wait in a monotone radix heap keyed by their share, which may be stale (too low). An
  // entry reaching the top is refreshed and pushed again if it went up, so each freeze costs O(path).
  heap_.Clear();
  capped_.clear();
  for (int32_t l : comp_links_) {
    LinkState& s = links_[static_cast<size_t>(l)];
    s.remaining = topo_.link(l).capacity;
    if (s.count > 0) heap_.Push({ShareKey(s.remaining / s.count), l});
  }
  size_t unfrozen = comp_flows_.size();
  for (int32_t fid : comp_flows_) {
    const Flow& f = flows_[static_cast<size_t>(fid)];
    if (f.cap < kNoCap) capped_.emplace_back(f.cap, fid);
  }
  std::sort(capped_.begin(), capped_.end());
  size_t next_cap = 0;
  const auto freeze = [&](Flow& f, double rate) {
    f.rate = rate;
    f.frozen = true;
    --unfrozen;
    for (uint32_t k = 0; k < f.length; ++k) {
      LinkState& s = links_[static_cast<size_t>(path_[f.begin + k])];
      s.remaining = std::max(0.0, s.remaining - rate);
      --s.count;
    }
  };
  while (unfrozen > 0) {
    // The top entry, once current, is the smallest share: every other entry is at most its link's share.
    int32_t bottleneck = -1;
    double link_share = kNoCap;
    while (heap_.Ready()) {
      const LinkShare top = heap_.Top();
      const LinkState& s = links_[static_cast<size_t>(top.link)];
      if (s.count == 0) {
        heap_.PopTop();
        continue;
      }
      const double current = s.remaining / s.count;
      const uint64_t key = ShareKey(current);
      if (key <= top.key) {
        bottleneck = top.link;
        link_share = current;
        break;
      }
      heap_.PopTop();
      heap_.Push({key, top.link});
    }
    while (next_cap < capped_.size() && flows_[static_cast<size_t>(capped_[next_cap].second)].frozen) ++next_cap;
    if (next_cap < capped_.size() && capped_[next_cap].first <= link_share) {
      freeze(flows_[static_cast<size_t>(capped_[next_cap].second)], capped_[next_cap].first);
      continue;
    }
    if (bottleneck < 0) break;  // only link-less flows remain; they keep rate = cap
    heap_.PopTop();
    const auto b = static_cast<size_t>(bottleneck);
    for (uint32_t r = link_begin_[b]; r < link_end_[b]; ++r) {
      Flow& f = flows_[static_cast<size_t>(link_flows_[r])];
      if (!f.frozen) freeze(f, link_share);
    }
  }
  if (touched) touched->insert(touched->end(), comp_flows_.begin(), comp_flows_.end());
}

}  // namespace fleetsim
