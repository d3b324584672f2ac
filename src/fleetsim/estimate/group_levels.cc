#include "fleetsim/estimate/group_levels.h"

#include <algorithm>
#include <cmath>

namespace fleetsim {

GroupLevels::GroupLevels(const ClusterSpec& cluster) : cluster_(cluster) {
  domain_size_ = cluster.node.size;
  if (cluster.fabric.kind == FabricKind::kTorus) {
    // Cubes joined by optical circuit switches form one ICI torus up to the largest slice.
    domain_size_ =
        cluster.fabric.max_slice > 0 ? std::min<int64_t>(cluster.count, cluster.fabric.max_slice) : cluster.count;
  }
  domain_size_ = std::max<int64_t>(1, std::min(domain_size_, cluster.count));
}

Bandwidth GroupLevels::DomainBandwidth(int64_t span) const {
  const DomainSpec& d = cluster_.node.domain;
  if (d.kind == DomainKind::kSwitch) return d.bandwidth * d.efficiency;
  // Torus: a group filling k dimensions runs bidirectional rings on 2k links at once (dimension by dimension).
  const int dims = static_cast<int>(std::max<size_t>(1, d.shape.size()));
  const int side = d.shape.empty() ? 4 : std::max(2, d.shape.front());
  const int spanned =
      std::clamp(static_cast<int>(
                     std::ceil(std::log(static_cast<double>(span)) / std::log(static_cast<double>(side)) - 1e-9)),
                 1, dims);
  return d.link_bandwidth * (2.0 * spanned) * d.efficiency;
}

LinkLevel GroupLevels::OuterLevel(int64_t ranks, int64_t stride, int64_t inner) const {
  const bool beyond_slice = cluster_.dcn.has_value();
  const FabricSpec& f = beyond_slice ? *cluster_.dcn : cluster_.fabric;
  Bandwidth bw = f.AcceleratorBandwidth() * f.efficiency;
  const int hops = std::max(1, 2 * f.tiers - 1);
  Seconds latency = f.nic_latency + f.latency * static_cast<double>(hops);
  // Rings that leave a full-bisection pod share its oversubscribed uplinks: a ring keeps pod_size / (stride x
  // inner) members per pod, and every accelerator of the pod belongs to one such ring.
  const int64_t span = ranks * stride * inner;
  if (f.kind == FabricKind::kClos && f.pod_size > 0 && span > f.pod_size) {
    const double members_per_pod = static_cast<double>(f.pod_size) / static_cast<double>(stride * inner);
    bw = bw * std::min(1.0, members_per_pod / f.CrossPodOversubscription());
  }
  // Sites joined by long-haul links: every ring crossing a site boundary shares the site pair's capacity.
  const int64_t site = cluster_.count / cluster_.datacenters;
  if (cluster_.datacenters > 1 && span > site) {
    const double rings_crossing = static_cast<double>(cluster_.count) / static_cast<double>(ranks);
    bw = std::min(bw, cluster_.wan.bandwidth / rings_crossing);
    latency += cluster_.wan.latency;
  }
  return {static_cast<int>(ranks), bw, latency};
}

std::vector<LinkLevel> GroupLevels::Levels(int64_t size, int64_t stride) const {
  if (size <= 1) return {};
  const DomainSpec& d = cluster_.node.domain;
  if (size * stride <= domain_size_) {
    return {{static_cast<int>(size), DomainBandwidth(size * stride), d.latency}};
  }
  // Members sharing a domain: the largest divisor of the group that fits in one domain at this stride.
  int64_t inner = 1;
  for (int64_t k = std::min(size, domain_size_ / std::max<int64_t>(1, stride)); k > 1; --k) {
    if (size % k == 0) {
      inner = k;
      break;
    }
  }
  std::vector<LinkLevel> levels;
  if (inner > 1) levels.push_back({static_cast<int>(inner), DomainBandwidth(domain_size_), d.latency});
  levels.push_back(OuterLevel(size / inner, stride, inner));
  return levels;
}

LinkLevel GroupLevels::PeerLevel(int64_t stride) const {
  if (stride < domain_size_) return {2, DomainBandwidth(2), cluster_.node.domain.latency};
  return OuterLevel(2, stride, 1);
}

}  // namespace fleetsim
