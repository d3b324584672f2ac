#include "fleetsim/net/topology.h"

#include <algorithm>
#include <deque>

#include "fleetsim/core/error.h"

namespace fleetsim {

int32_t Topology::AddVertex(VertexKind kind, int tier, bool forwards) {
  vertices_.push_back({kind, static_cast<int8_t>(tier), forwards});
  out_.emplace_back();
  return static_cast<int32_t>(vertices_.size() - 1);
}

int32_t Topology::AddLink(int32_t src, int32_t dst, Bandwidth capacity, Seconds latency, LinkKind kind) {
  FLEETSIM_CHECK(capacity.value() > 0);
  FLEETSIM_CHECK(src >= 0 && dst >= 0 && static_cast<size_t>(std::max(src, dst)) < vertices_.size());
  links_.push_back({src, dst, capacity.value(), latency.value(), kind, true});
  const auto id = static_cast<int32_t>(links_.size() - 1);
  out_[static_cast<size_t>(src)].push_back(id);
  return id;
}

int32_t Topology::AddDuplex(int32_t a, int32_t b, Bandwidth capacity, Seconds latency, LinkKind kind) {
  const int32_t id = AddLink(a, b, capacity, latency, kind);
  AddLink(b, a, capacity, latency, kind);
  return id;
}

void Topology::SetLinkUp(int32_t id, bool up) {
  Link& l = links_[static_cast<size_t>(id)];
  if (l.up == up) return;
  l.up = up;
  failed_links_ += up ? -1 : 1;
}

void Topology::SetConnectionUp(int32_t a, int32_t b, bool up) {
  for (int32_t id : out_[static_cast<size_t>(a)]) {
    if (links_[static_cast<size_t>(id)].dst == b) SetLinkUp(id, up);
  }
  for (int32_t id : out_[static_cast<size_t>(b)]) {
    if (links_[static_cast<size_t>(id)].dst == a) SetLinkUp(id, up);
  }
}

std::vector<int32_t> Topology::ShortestPath(int32_t src, int32_t dst, uint64_t hash) const {
  if (src == dst) return {};
  // BFS from dst over reversed up-links gives every vertex its distance to dst; then walk forward from src,
  // choosing among the links that step one closer by the hash.
  const size_t n = vertices_.size();
  std::vector<int32_t> dist(n, -1);
  std::vector<std::vector<int32_t>> in(n);
  for (size_t i = 0; i < links_.size(); ++i) {
    if (links_[i].up) in[static_cast<size_t>(links_[i].dst)].push_back(static_cast<int32_t>(i));
  }
  std::deque<int32_t> queue{dst};
  dist[static_cast<size_t>(dst)] = 0;
  while (!queue.empty() && dist[static_cast<size_t>(src)] < 0) {
    const int32_t v = queue.front();
    queue.pop_front();
    for (int32_t id : in[static_cast<size_t>(v)]) {
      const int32_t u = links_[static_cast<size_t>(id)].src;
      if (dist[static_cast<size_t>(u)] >= 0) continue;
      // A vertex that does not forward (a GPU behind a switch) can start a path but not carry one.
      dist[static_cast<size_t>(u)] = dist[static_cast<size_t>(v)] + 1;
      if (vertices_[static_cast<size_t>(u)].forwards) queue.push_back(u);
    }
  }
  if (dist[static_cast<size_t>(src)] < 0) return {};
  std::vector<int32_t> path;
  int32_t v = src;
  uint64_t h = hash;
  while (v != dst) {
    std::vector<int32_t> next;
    for (int32_t id : out_[static_cast<size_t>(v)]) {
      const Link& l = links_[static_cast<size_t>(id)];
      if (!l.up || dist[static_cast<size_t>(l.dst)] != dist[static_cast<size_t>(v)] - 1) continue;
      if (l.dst != dst && !vertices_[static_cast<size_t>(l.dst)].forwards) continue;
      next.push_back(id);
    }
    FLEETSIM_CHECK(!next.empty());
    h = MixHash(h);
    const int32_t id = next[h % next.size()];
    path.push_back(id);
    v = links_[static_cast<size_t>(id)].dst;
  }
  return path;
}

double Topology::PathLatency(const std::vector<int32_t>& path) const {
  double s = 0;
  for (int32_t id : path) s += links_[static_cast<size_t>(id)].latency;
  return s;
}

bool Topology::PathUp(const std::vector<int32_t>& path) const {
  for (int32_t id : path) {
    if (!links_[static_cast<size_t>(id)].up) return false;
  }
  return true;
}

}  // namespace fleetsim
