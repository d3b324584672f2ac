// The pieces the collective schedules are built from, shared by the files that build them (schedule.cc: rings,
// trees, halving-doubling, hierarchical, SHARP, torus; all_to_all_schedule.cc: direct and all-to-all;
// multi_site_schedule.cc: hierarchical across datacenters). Internal to collective/: BuildSchedule
// (schedule.h) is the interface.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "fleetsim/collective/schedule.h"

namespace fleetsim::schedule_parts {

constexpr int64_t kMaxDirectRanks = 4096;  // direct and all-to-all need n^2 flows
constexpr double kMaxDirectFlows = 4096.0 * 4096.0;

struct Ctx {
  const Network& net;
  CollectiveOp op;
  double size;
  const std::vector<int64_t>& group;
  int64_t n;
  bool clean;       // no failed link anywhere: symmetric ranks may be represented by one
  bool one_switch;  // the whole group behind one crossbar
  std::map<int64_t, std::vector<int64_t>> domains;  // members per domain, sorted by local index
};

// A routed transfer of `bytes` from src to dst on ECMP channel `channel`.
Transfer Peer(int64_t src, int64_t dst, double bytes, uint32_t channel = 0);
// Equal member counts in every domain (and the same local indices), so rails and inner rings line up.
bool Aligned(const Ctx& c);
// One step of rings in `orders` (one per channel), each rank sending `chunk` to the next, `repeat` times;
// `representative`: the first position only.
Phase RingStep(const std::vector<std::vector<int64_t>>& orders, double chunk, int64_t repeat, bool representative);
// In-switch reduction inside one domain: each rank streams to the switch and back, at the NVLS rate.
std::vector<Phase> NvlsPhases(const Network& net, CollectiveOp op, double size,
                              const std::vector<int64_t>& members, bool rep);
// One phase per step pattern of an inner (per-domain) collective; `rep`: only the first domain's first rank.
std::vector<Phase> InnerPhases(const Ctx& c, CollectiveOp op, bool nvls);

// Every rank sends each other rank its piece (direct, all-to-all; broadcast scatters from the root first); on a
// rail-optimized Clos an all-to-all across aligned domains relays through the rail's member (NCCL's PXN).
Schedule Direct(const Ctx& c);

// Domains of the group in each site it spans, when it spans several sites with the same number of domains in
// each (the domains of a site are consecutive, so `c.domains` lists them site by site); 0 otherwise.
int64_t DomainsPerSite(const Ctx& c);
// Hierarchical across sites, NCCL-style: the reductions inside domains and sites, the shard's collective across
// sites (the only phase that crosses the WAN), and the gathers back.
Schedule MultiSiteHierarchical(const Ctx& c, int64_t per_site, bool nvls);

}  // namespace fleetsim::schedule_parts
