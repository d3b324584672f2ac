// Routing on a built Network: the path of a flow between two accelerators (crossbar, torus with dimension order
// or minimal twisted routes, Clos with ECMP over spine planes), rerouting around failed links, and the switch
// trees of in-network reduction. The topology builders are in network.cc.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "fleetsim/core/error.h"
#include "fleetsim/net/network.h"

namespace fleetsim {

Path Network::Route(int64_t src, int64_t dst, uint64_t flow) const {
  Path p;
  p.latency = RouteInto(src, dst, flow, p.links);
  return p;
}

double Network::RouteInto(int64_t src, int64_t dst, uint64_t flow, std::vector<int32_t>& links) const {
  FLEETSIM_CHECK(src >= 0 && dst >= 0 && src < accelerators_ && dst < accelerators_);
  links.clear();
  if (src == dst) return 0;
  if (DomainOf(src) == DomainOf(dst)) {
    if (switch_domain_) {
      links.push_back(to_switch_[static_cast<size_t>(src)]);
      links.push_back(from_switch_[static_cast<size_t>(dst)]);
      return Finish(links, src, dst, flow);
    }
    return TorusRoute(src, dst, links);
  }
  return FabricRoute(src, dst, flow, links);
}

double Network::Finish(std::vector<int32_t>& links, int64_t src, int64_t dst, uint64_t flow) const {
  if (!topo_.PathUp(links)) {
    links = topo_.ShortestPath(static_cast<int32_t>(src), static_cast<int32_t>(dst),
                               MixHash(flow ^ options_.ecmp_seed));
    if (links.empty()) {
      throw InputError(
          "", 0, fmt::format("no path from accelerator {} to {}: the failed links disconnect them", src, dst));
    }
  }
  return topo_.PathLatency(links);
}

int Network::TieDirection(int64_t src, int64_t dst, size_t dim) {
  // Half-way round a ring both directions are as short: half the pairs go each way.
  return (MixHash(static_cast<uint64_t>(src) * 0x100000001b3ULL ^ static_cast<uint64_t>(dst) ^ (dim << 56)) & 1)
             ? +1
             : -1;
}

double Network::TwistedRoute(int64_t src, int64_t dst, std::vector<int32_t>& links) const {
  // Minimal routing on a twisted torus: each short dimension is crossed directly or the other way round through
  // its wrap-around, and every wrap-around crossed moves the long coordinates by the short extent k (mod 2k).
  // Try each choice of wraps, keep the fewest hops, then walk the short dimensions and finally the long ones
  // from wherever the twists left the path.
  const size_t dims = torus_shape_.size();
  const int64_t base = DomainOf(src) * domain_size_;
  const int k = torus_short_;
  const auto coord = [&](int64_t v, size_t d) { return ((v - base) / torus_strides_[d]) % torus_shape_[d]; };
  std::vector<size_t> shorts, longs;
  for (size_t d = 0; d < dims; ++d) (torus_shape_[d] == k ? shorts : longs).push_back(d);
  const auto ring = [](int64_t delta, int64_t size) {
    const int64_t f = ((delta % size) + size) % size;
    return std::min(f, size - f);
  };
  // Equally short choices are spread over the pairs by a hash, so that no direction carries every tie.
  std::vector<uint32_t> best_masks;
  int64_t best_hops = -1;
  for (uint32_t mask = 0; mask < (1u << shorts.size()); ++mask) {
    int64_t hops = 0;
    for (size_t i = 0; i < shorts.size(); ++i) {
      const int64_t gap = std::abs(coord(dst, shorts[i]) - coord(src, shorts[i]));
      hops += (mask >> i) & 1 ? (gap == 0 ? k : k - gap) : gap;
    }
    const int64_t shift = (std::popcount(mask) % 2) * k;
    for (size_t e : longs) hops += ring(coord(dst, e) - coord(src, e) - shift, torus_shape_[e]);
    if (best_hops < 0 || hops < best_hops) {
      best_hops = hops;
      best_masks.clear();
    }
    if (hops == best_hops) best_masks.push_back(mask);
  }
  const uint32_t best_mask =
      best_masks[MixHash(static_cast<uint64_t>(src) * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(dst)) %
                 best_masks.size()];
  int64_t at = src;
  const auto step = [&](size_t d, int dir) {
    const int32_t id = (dir > 0 ? torus_plus_ : torus_minus_)[static_cast<size_t>(at) * dims + d];
    FLEETSIM_CHECK(id >= 0);
    links.push_back(id);
    at = topo_.link(id).dst;
  };
  for (size_t i = 0; i < shorts.size(); ++i) {
    const size_t d = shorts[i];
    const int64_t from = coord(src, d), to = coord(dst, d);
    if ((best_mask >> i) & 1) {
      const int dir = to >= from ? -1 : +1;  // away from the target, through the wrap-around
      const int64_t steps = to == from ? k : k - std::abs(to - from);
      for (int64_t s = 0; s < steps; ++s) step(d, to == from ? +1 : dir);
    } else {
      for (int64_t s = 0; s < std::abs(to - from); ++s) step(d, to > from ? +1 : -1);
    }
  }
  for (size_t e : longs) {
    const int64_t size = torus_shape_[e];
    const int64_t fwd = ((coord(dst, e) - coord(at, e)) % size + size) % size;
    const int dir = fwd == size - fwd ? TieDirection(src, dst, e) : (fwd < size - fwd ? +1 : -1);
    for (int64_t s = 0, n = std::min(fwd, size - fwd); s < n; ++s) step(e, dir);
  }
  FLEETSIM_CHECK(at == dst);
  return Finish(links, src, dst, static_cast<uint64_t>(src * 1315423911LL + dst));
}

double Network::TorusRoute(int64_t src, int64_t dst, std::vector<int32_t>& links) const {
  if (torus_twisted_) return TwistedRoute(src, dst, links);
  // Dimension-order routing, the shorter way around each ring.
  const size_t dims = torus_shape_.size();
  const int64_t base = DomainOf(src) * domain_size_;
  int64_t a = src - base;
  const int64_t b = dst - base;
  for (size_t k = 0; k < dims; ++k) {
    const int64_t size = torus_shape_[k];
    const int64_t ca = (a / torus_strides_[k]) % size, cb = (b / torus_strides_[k]) % size;
    if (ca == cb) continue;
    int dir = cb > ca ? 1 : -1;
    int64_t steps = std::abs(cb - ca);
    if (torus_wrap_) {
      const int64_t fwd = (cb - ca + size) % size;
      dir = fwd < size - fwd ? 1 : -1;
      if (fwd == size - fwd) dir = TieDirection(src, dst, k);
      steps = std::min(fwd, size - fwd);
    }
    for (int64_t s = 0; s < steps; ++s) {
      const auto i = static_cast<size_t>(base + a) * dims + k;
      const int32_t id = dir > 0 ? torus_plus_[i] : torus_minus_[i];
      FLEETSIM_CHECK(id >= 0);
      links.push_back(id);
      a = topo_.link(id).dst - base;
    }
  }
  return Finish(links, src, dst, static_cast<uint64_t>(src * 1315423911LL + dst));
}

double Network::FabricRoute(int64_t src, int64_t dst, uint64_t flow, std::vector<int32_t>& links) const {
  const auto port = [&](int64_t acc) { return DomainOf(acc) * rails_ + LocalIndex(acc) / accs_per_port_; };
  const auto pa = static_cast<size_t>(port(src)), pb = static_cast<size_t>(port(dst));
  const int32_t la = leaf_of_port_[pa], lb = leaf_of_port_[pb];
  const auto plane_path = [&](int j, std::vector<int32_t>& out) {
    const auto P = static_cast<size_t>(planes_);
    const auto ua = static_cast<size_t>(la) * P + static_cast<size_t>(j);
    const auto ub = static_cast<size_t>(lb) * P + static_cast<size_t>(j);
    const int32_t poda = pod_of_leaf_[static_cast<size_t>(la)], podb = pod_of_leaf_[static_cast<size_t>(lb)];
    const int sa = SiteOf(src), sb = SiteOf(dst);
    if (sa == sb) {
      out.push_back(leaf_up_[ua]);
      if (poda != podb) {
        out.push_back(spine_up_[static_cast<size_t>(poda) * P + static_cast<size_t>(j)]);
        out.push_back(spine_down_[static_cast<size_t>(podb) * P + static_cast<size_t>(j)]);
      }
      out.push_back(leaf_down_[ub]);
      return;
    }
    if (tiers_ >= 2) out.push_back(leaf_up_[ua]);
    if (tiers_ == 3) out.push_back(spine_up_[static_cast<size_t>(poda) * P + static_cast<size_t>(j)]);
    out.push_back(top_to_gw_[static_cast<size_t>(sa) * P + static_cast<size_t>(j)]);
    out.push_back(wan_[static_cast<size_t>(sa * sites_ + sb)]);
    out.push_back(gw_to_top_[static_cast<size_t>(sb) * P + static_cast<size_t>(j)]);
    if (tiers_ == 3) out.push_back(spine_down_[static_cast<size_t>(podb) * P + static_cast<size_t>(j)]);
    if (tiers_ >= 2) out.push_back(leaf_down_[ub]);
  };
  std::vector<int32_t> first;
  const uint64_t h = MixHash(flow ^ options_.ecmp_seed);
  for (int t = 0; t < planes_; ++t) {
    links.clear();
    if (acc_to_nic_[static_cast<size_t>(src)] >= 0) links.push_back(acc_to_nic_[static_cast<size_t>(src)]);
    links.push_back(port_up_[pa]);
    if (la != lb)
      plane_path(static_cast<int>((h + static_cast<uint64_t>(t)) % static_cast<uint64_t>(planes_)), links);
    links.push_back(port_down_[pb]);
    if (nic_to_acc_[static_cast<size_t>(dst)] >= 0) links.push_back(nic_to_acc_[static_cast<size_t>(dst)]);
    if (la == lb) return Finish(links, src, dst, flow);  // one leaf: no plane to choose
    if (topo_.PathUp(links)) return topo_.PathLatency(links);
    if (t == 0) first = links;
  }
  links = std::move(first);
  return Finish(links, src, dst, flow);
}

Path Network::RouteToSwitch(int64_t acc) const {
  FLEETSIM_CHECK(switch_domain_);
  const int32_t id = to_switch_[static_cast<size_t>(acc)];
  return {{id}, topo_.link(id).latency};
}

Path Network::RouteFromSwitch(int64_t acc) const {
  FLEETSIM_CHECK(switch_domain_);
  const int32_t id = from_switch_[static_cast<size_t>(acc)];
  return {{id}, topo_.link(id).latency};
}

void Network::ReductionTree(const std::vector<int64_t>& members, uint64_t hash, std::vector<Path>& up,
                            std::vector<Path>& down, int& depth) const {
  FLEETSIM_CHECK(fabric_reduction());
  const auto edge = [&](std::vector<Path>& out, std::initializer_list<int32_t> links) {
    Path p;
    for (int32_t l : links) {
      if (l >= 0) p.links.push_back(l);
    }
    p.latency = topo_.PathLatency(p.links);
    out.push_back(std::move(p));
  };
  std::vector<int32_t> leaves, pods;
  for (int64_t acc : members) {
    const auto a = static_cast<size_t>(acc);
    const auto port = static_cast<size_t>(DomainOf(acc) * rails_ + LocalIndex(acc) / accs_per_port_);
    edge(up, {acc_to_nic_[a], port_up_[port]});
    edge(down, {port_down_[port], nic_to_acc_[a]});
    const int32_t leaf = leaf_of_port_[port];
    if (std::find(leaves.begin(), leaves.end(), leaf) == leaves.end()) leaves.push_back(leaf);
  }
  depth = 1;
  if (leaves.size() < 2 || tiers_ < 2) return;
  const auto plane = static_cast<size_t>(MixHash(hash ^ options_.ecmp_seed) % static_cast<uint64_t>(planes_));
  const auto planes = static_cast<size_t>(planes_);
  for (int32_t leaf : leaves) {
    edge(up, {leaf_up_[static_cast<size_t>(leaf) * planes + plane]});
    edge(down, {leaf_down_[static_cast<size_t>(leaf) * planes + plane]});
    const int32_t pod = pod_of_leaf_[static_cast<size_t>(leaf)];
    if (std::find(pods.begin(), pods.end(), pod) == pods.end()) pods.push_back(pod);
  }
  depth = 2;
  if (pods.size() < 2 || tiers_ < 3) return;
  for (int32_t pod : pods) {
    edge(up, {spine_up_[static_cast<size_t>(pod) * planes + plane]});
    edge(down, {spine_down_[static_cast<size_t>(pod) * planes + plane]});
  }
  depth = 3;
}

int64_t Network::TorusNeighbor(int64_t acc, int dim, int dir) const {
  const size_t i = static_cast<size_t>(acc) * torus_shape_.size() + static_cast<size_t>(dim);
  const int32_t id = dir > 0 ? torus_plus_[i] : torus_minus_[i];
  return id < 0 ? -1 : topo_.link(id).dst;
}

}  // namespace fleetsim
