#include "fleetsim/net/flow_model.h"

#include <algorithm>
#include <functional>

#include "fleetsim/core/error.h"

namespace fleetsim {

FlowModel::FlowModel(const Topology& topo)
    : topo_(topo),
      link_flows_(topo.num_links()),
      link_mark_(topo.num_links(), 0),
      remaining_(topo.num_links(), 0),
      count_(topo.num_links(), 0) {}

void FlowModel::MarkLinks(const Flow& f) {
  for (uint32_t i = 0; i < f.length; ++i) dirty_.push_back(path_pool_[f.begin + i]);
}

int32_t FlowModel::Add(const std::vector<int32_t>& links, double cap) {
  FLEETSIM_CHECK(cap > 0);
  Flow f;
  f.begin = static_cast<uint32_t>(path_pool_.size());
  f.length = static_cast<uint32_t>(links.size());
  f.cap = cap;
  f.alive = true;
  f.rate = links.empty() ? cap : 0;
  path_pool_.insert(path_pool_.end(), links.begin(), links.end());
  const auto id = static_cast<int32_t>(flows_.size());
  flows_.push_back(f);
  flow_mark_.push_back(0);
  for (int32_t l : links) link_flows_[static_cast<size_t>(l)].push_back(id);
  MarkLinks(f);
  ++active_;
  return id;
}

void FlowModel::Remove(int32_t id) {
  Flow& f = flows_[static_cast<size_t>(id)];
  if (!f.alive) return;
  f.alive = false;
  f.rate = 0;
  --active_;
  MarkLinks(f);
}

void FlowModel::Clear() {
  for (size_t i = 0; i < flows_.size(); ++i) {
    const Flow& f = flows_[i];
    for (uint32_t k = 0; k < f.length; ++k) link_flows_[static_cast<size_t>(path_pool_[f.begin + k])].clear();
  }
  flows_.clear();
  flow_mark_.clear();
  path_pool_.clear();
  dirty_.clear();
  active_ = 0;
}

void FlowModel::Solve(std::vector<int32_t>* touched) {
  if (dirty_.empty()) return;
  // 1. The components reachable from the dirty links through shared flows.
  ++epoch_;
  comp_links_.clear();
  comp_flows_.clear();
  for (int32_t l : dirty_) {
    if (link_mark_[static_cast<size_t>(l)] == epoch_) continue;
    link_mark_[static_cast<size_t>(l)] = epoch_;
    comp_links_.push_back(l);
  }
  dirty_.clear();
  for (size_t qi = 0; qi < comp_links_.size(); ++qi) {
    auto& list = link_flows_[static_cast<size_t>(comp_links_[qi])];
    size_t keep = 0;
    for (int32_t fid : list) {
      const Flow& f = flows_[static_cast<size_t>(fid)];
      if (!f.alive) continue;
      list[keep++] = fid;
      if (flow_mark_[static_cast<size_t>(fid)] == epoch_) continue;
      flow_mark_[static_cast<size_t>(fid)] = epoch_;
      comp_flows_.push_back(fid);
      for (uint32_t k = 0; k < f.length; ++k) {
        const int32_t l2 = path_pool_[f.begin + k];
        if (link_mark_[static_cast<size_t>(l2)] == epoch_) continue;
        link_mark_[static_cast<size_t>(l2)] = epoch_;
        comp_links_.push_back(l2);
      }
    }
    list.resize(keep);
  }
  // 2. Progressive filling: repeatedly saturate the link (or flow cap) with the smallest fair share. Shares only
  //    grow as flows freeze, so a lazy min-heap of (share, link) stays valid.
  const auto greater = std::greater<std::pair<double, int32_t>>();
  heap_.clear();
  capped_.clear();
  for (int32_t l : comp_links_) {
    const auto i = static_cast<size_t>(l);
    remaining_[i] = topo_.link(l).capacity;
    count_[i] = static_cast<int32_t>(link_flows_[i].size());
    if (count_[i] > 0) heap_.emplace_back(remaining_[i] / count_[i], l);
  }
  std::make_heap(heap_.begin(), heap_.end(), greater);
  frozen_.resize(flows_.size());
  size_t unfrozen = 0;
  for (int32_t fid : comp_flows_) {
    Flow& f = flows_[static_cast<size_t>(fid)];
    frozen_[static_cast<size_t>(fid)] = 0;
    ++unfrozen;
    if (f.cap < kNoCap) capped_.emplace_back(f.cap, fid);
  }
  std::sort(capped_.begin(), capped_.end());
  size_t next_cap = 0;
  const auto freeze = [&](int32_t fid, double rate, int32_t skip_link) {
    Flow& f = flows_[static_cast<size_t>(fid)];
    f.rate = rate;
    frozen_[static_cast<size_t>(fid)] = 1;
    --unfrozen;
    for (uint32_t k = 0; k < f.length; ++k) {
      const int32_t l = path_pool_[f.begin + k];
      const auto i = static_cast<size_t>(l);
      remaining_[i] = std::max(0.0, remaining_[i] - rate);
      --count_[i];
      if (l != skip_link && count_[i] > 0) {
        heap_.emplace_back(remaining_[i] / count_[i], l);
        std::push_heap(heap_.begin(), heap_.end(), greater);
      }
    }
  };
  while (unfrozen > 0) {
    while (!heap_.empty()) {
      const auto [share, l] = heap_.front();
      const auto i = static_cast<size_t>(l);
      if (count_[i] > 0 && share == remaining_[i] / count_[i]) break;
      std::pop_heap(heap_.begin(), heap_.end(), greater);
      heap_.pop_back();
    }
    while (next_cap < capped_.size() && frozen_[static_cast<size_t>(capped_[next_cap].second)]) ++next_cap;
    const double link_share = heap_.empty() ? kNoCap : heap_.front().first;
    if (next_cap < capped_.size() && capped_[next_cap].first <= link_share) {
      freeze(capped_[next_cap].second, capped_[next_cap].first, -1);
      continue;
    }
    if (heap_.empty()) break;  // only link-less flows remain; they keep rate = cap
    const int32_t l = heap_.front().second;
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    heap_.pop_back();
    for (int32_t fid : link_flows_[static_cast<size_t>(l)]) {
      if (!frozen_[static_cast<size_t>(fid)]) freeze(fid, link_share, l);
    }
  }
  if (touched) touched->insert(touched->end(), comp_flows_.begin(), comp_flows_.end());
}

}  // namespace fleetsim
