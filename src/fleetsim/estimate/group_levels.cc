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

LinkLevel GroupLevels::OuterLevel(int64_t ranks, int64_t stride, int64_t inner, Traffic traffic) const {
  const bool beyond_slice = cluster_.dcn.has_value();
  const FabricSpec& f = beyond_slice ? *cluster_.dcn : cluster_.fabric;
  Bandwidth bw = f.AcceleratorBandwidth() * f.efficiency;
  const int hops = std::max(1, 2 * f.tiers - 1);
  const Seconds latency = f.nic_latency + f.latency * static_cast<double>(hops);
  const int64_t span = ranks * stride * inner;
  if (f.kind == FabricKind::kClos && f.pod_size > 0 && span > f.pod_size) {
    // Members of this level per full-bisection pod.
    const double members_per_pod = std::min(static_cast<double>(ranks),
                                            static_cast<double>(f.pod_size) / static_cast<double>(stride * inner));
    const double oversubscription = f.CrossPodOversubscription();
    if (traffic == Traffic::kRing) {
      // A ring keeps members_per_pod consecutive members in a pod and leaves it on one edge; every accelerator of
      // the pod belongs to one such ring, so the uplinks carry pod_size / members_per_pod rings.
      bw = bw * std::min(1.0, members_per_pod / oversubscription);
    } else {
      // All-to-all: the share of every member's bytes addressed outside its pod crosses the uplinks.
      const double outside = 1.0 - members_per_pod / static_cast<double>(ranks);
      if (outside > 0) bw = bw * std::min(1.0, 1.0 / (oversubscription * outside));
    }
  }
  return {static_cast<int>(ranks), bw, latency};
}

std::vector<LinkLevel> GroupLevels::Levels(int64_t size, int64_t stride, Traffic traffic) const {
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
  // Sites: ranks are laid out site by site, so a group spanning more than one site has the same number of
  // members in each of the sites it spans.
  int64_t sites = 1;
  if (cluster_.datacenters > 1 && size * stride > SiteSize()) {
    sites = std::min<int64_t>(cluster_.datacenters, (size * stride + SiteSize() - 1) / SiteSize());
    while (sites > 1 && (size / inner) % sites != 0) --sites;
  }
  const int64_t outer = size / inner / sites;
  if (outer > 1) levels.push_back(OuterLevel(outer, stride, inner, traffic));
  if (sites > 1) {
    // Every accelerator of a site takes part in its group's WAN phase at once: the site pair's capacity is
    // shared by all of them; on their way to the gateway they all leave their pods, through its uplinks.
    const Bandwidth per_rank = cluster_.wan.bandwidth / static_cast<double>(SiteSize());
    const LinkLevel fabric = OuterLevel(2, stride, inner, traffic);
    const FabricSpec& f = cluster_.dcn ? *cluster_.dcn : cluster_.fabric;
    Bandwidth port = f.AcceleratorBandwidth() * f.efficiency;
    if (f.kind == FabricKind::kClos && f.pod_size > 0 && SiteSize() > f.pod_size) {
      port = port * std::min(1.0, 1.0 / f.CrossPodOversubscription());
    }
    levels.push_back({static_cast<int>(sites), std::min(per_rank, port), fabric.latency + cluster_.wan.latency});
  }
  return levels;
}

LinkLevel GroupLevels::PeerLevel(int64_t stride) const {
  if (stride < domain_size_) return {2, DomainBandwidth(2), cluster_.node.domain.latency};
  return OuterLevel(2, stride, 1, Traffic::kRing);
}

LinkLevel GroupLevels::WanPeerLevel(int64_t senders) const {
  const LinkLevel fabric = OuterLevel(2, std::max<int64_t>(1, SiteSize()), 1, Traffic::kRing);
  const Bandwidth per_sender = cluster_.wan.bandwidth / static_cast<double>(std::max<int64_t>(1, senders));
  return {2, std::min(per_sender, fabric.bandwidth), fabric.latency + cluster_.wan.latency};
}

}  // namespace fleetsim
