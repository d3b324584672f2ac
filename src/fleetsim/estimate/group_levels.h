// How a process group sees the network, for the closed-form collectives: ranks are laid out tensor-parallel
// innermost, then context, data and pipeline parallel (Megatron-LM's order), so a group is `size` ranks spaced
// `stride` apart. Its levels run from the scale-up domain (NVSwitch, TPU ICI slice) out to the scale-out fabric,
// the datacenter network between slices and the WAN between sites. A level's bandwidth is per rank, already
// scaled by the link efficiency and by the oversubscription that the group's concurrent traffic meets: rings
// (all-reduce, all-gather, reduce-scatter) cross a pod boundary on few edges, all-to-all sends the share of its
// bytes addressed outside the pod through the pod's uplinks. A group spanning sites gets a WAN level of its own,
// so hierarchical collectives cross the WAN once per phase, on the shard, not once per ring step.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetsim/collective/collective.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class GroupLevels {
 public:
  explicit GroupLevels(const ClusterSpec& cluster);

  enum class Traffic { kRing, kAllToAll };

  // Levels for a group of `size` ranks whose members are `stride` ranks apart, inner to outer.
  std::vector<LinkLevel> Levels(int64_t size, int64_t stride, Traffic traffic = Traffic::kRing) const;
  // The level point-to-point traffic between ranks `stride` apart crosses (pipeline neighbours).
  LinkLevel PeerLevel(int64_t stride) const;
  // The level a pipeline boundary between two sites crosses, when `senders` accelerators send across it at once
  // (every rank of one pipeline stage); their transfers share the site pair's WAN capacity.
  LinkLevel WanPeerLevel(int64_t senders) const;
  // Accelerators per site.
  int64_t SiteSize() const { return cluster_.count / cluster_.datacenters; }
  // Accelerators in one scale-up domain as the estimator sees it (a whole ICI slice for TPU tori).
  int64_t DomainSize() const { return domain_size_; }

 private:
  // Per-rank bandwidth inside the domain for a group spanning `span` consecutive accelerators.
  Bandwidth DomainBandwidth(int64_t span) const;
  LinkLevel OuterLevel(int64_t ranks, int64_t stride, int64_t inner, Traffic traffic) const;

  const ClusterSpec& cluster_;
  int64_t domain_size_;
};

}  // namespace fleetsim
