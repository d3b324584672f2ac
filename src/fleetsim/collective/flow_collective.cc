#include "fleetsim/collective/flow_collective.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "fleetsim/core/error.h"
#include "fleetsim/net/flow_sim.h"

namespace fleetsim {
namespace {

uint64_t TransferHash(const Transfer& t) {
  return MixHash(static_cast<uint64_t>(t.src) * 0x100000001b3ULL ^ MixHash(static_cast<uint64_t>(t.dst)) ^
                 (static_cast<uint64_t>(t.channel) << 40) ^ (static_cast<uint64_t>(t.job) << 56));
}

bool SameTransfer(const Transfer& a, const Transfer& b) {
  return a.src == b.src && a.dst == b.dst && a.bytes == b.bytes && a.cap == b.cap && a.channel == b.channel &&
         a.job == b.job && a.kind == b.kind;
}

// Two phases whose flows are the same (a hierarchical collective's reduce-scatter and all-gather at one level
// move the same chunks between the same ranks) take the same time: the flow model is a function of its flows.
bool SameTraffic(const Phase& a, const Phase& b) {
  if (a.transfers.size() != b.transfers.size() || a.paths.size() != b.paths.size()) return false;
  for (size_t i = 0; i < a.paths.size(); ++i) {
    if (a.paths[i].links != b.paths[i].links || a.paths[i].latency != b.paths[i].latency) return false;
  }
  for (size_t i = 0; i < a.transfers.size(); ++i) {
    if (!SameTransfer(a.transfers[i], b.transfers[i])) return false;
  }
  return true;
}

// Runs merged phases; adds each job's time to `job_times`. A phase with the same flows as an earlier one reuses
// its solution (`flows` counts the flows actually solved).
void RunPhases(const Network& net, const std::vector<Phase>& phases, std::vector<double>& job_times,
               int64_t& flows) {
  FlowSimulator sim(net.topology());
  FlowSet set;
  std::vector<int32_t> links;
  struct Solved {
    const Phase* phase;
    std::vector<double> end, lat;  // per job: last completion and longest path latency (end < 0: not in it)
  };
  std::vector<Solved> solved;
  const auto add = [&](const Phase& ph, const std::vector<double>& end, const std::vector<double>& lat) {
    for (size_t j = 0; j < job_times.size(); ++j) {
      if (end[j] < 0) continue;
      const double t = end[j] + std::max(0, ph.latency_steps - 1) * lat[j];
      job_times[j] += t * static_cast<double>(ph.repeat);
    }
  };
  for (const Phase& ph : phases) {
    const auto same =
        std::find_if(solved.begin(), solved.end(), [&](const Solved& s) { return SameTraffic(*s.phase, ph); });
    if (same != solved.end()) {
      add(ph, same->end, same->lat);
      continue;
    }
    set.Clear();
    set.Reserve(ph.transfers.size(), ph.transfers.size() * 8);
    for (const Transfer& t : ph.transfers) {
      double latency = 0;
      if (t.kind == TransferKind::kPath) {
        const Path& p = ph.paths[static_cast<size_t>(t.src)];
        links = p.links;
        latency = p.latency;
      } else if (t.kind == TransferKind::kToSwitch) {
        const Path p = net.RouteToSwitch(t.src);
        links = p.links;
        latency = p.latency;
      } else if (t.kind == TransferKind::kFromSwitch) {
        const Path p = net.RouteFromSwitch(t.dst);
        links = p.links;
        latency = p.latency;
      } else {
        latency = net.RouteInto(t.src, t.dst, TransferHash(t), links);
      }
      set.Add(links, t.bytes, t.cap, latency);
    }
    flows += static_cast<int64_t>(set.size());
    const std::vector<double> done = sim.Run(set);
    std::vector<double> end(job_times.size(), -1), lat(job_times.size(), 0);
    for (size_t i = 0; i < done.size(); ++i) {
      const size_t j = ph.transfers[i].job;
      end[j] = std::max(end[j], done[i]);
      lat[j] = std::max(lat[j], set.latency(i));
    }
    add(ph, end, lat);
    solved.push_back({&ph, std::move(end), std::move(lat)});
  }
}

std::vector<int64_t> GroupOf(const Network& net, const CollectiveRequest& r) {
  return r.group.empty() ? FirstRanks(net.cluster().count) : r.group;
}

}  // namespace

std::vector<int64_t> FirstRanks(int64_t n) {
  std::vector<int64_t> g(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) g[static_cast<size_t>(i)] = i;
  return g;
}

std::vector<Algorithm> CandidateAlgorithms(const Network& net, CollectiveOp op,
                                           const std::vector<int64_t>& group) {
  std::set<int64_t> domains;
  for (int64_t r : group) domains.insert(net.DomainOf(r));
  const auto n = static_cast<int64_t>(group.size());
  std::vector<Algorithm> c{Algorithm::kRing};
  if (op == CollectiveOp::kAllToAll || op == CollectiveOp::kPointToPoint) return {Algorithm::kDirect};
  if (op == CollectiveOp::kAllReduce || op == CollectiveOp::kBroadcast) c.push_back(Algorithm::kTree);
  if (n > 0 && (n & (n - 1)) == 0 && n <= 1024) c.push_back(Algorithm::kHalvingDoubling);
  if (net.in_network_reduction()) c.push_back(Algorithm::kNvls);
  if (domains.size() > 1) c.push_back(Algorithm::kHierarchical);
  if (domains.size() > 1 && op == CollectiveOp::kAllReduce && net.fabric_reduction())
    c.push_back(Algorithm::kSharp);
  if (!net.switch_domain() && domains.size() == 1 && n == net.domain_size()) c.push_back(Algorithm::kTorus);
  return c;
}

std::vector<CollectiveResult> SimulateConcurrent(const Network& net,
                                                 const std::vector<CollectiveRequest>& requests) {
  std::vector<std::vector<Phase>> sequences;
  std::vector<CollectiveResult> results(requests.size());
  for (size_t j = 0; j < requests.size(); ++j) {
    const CollectiveRequest& r = requests[j];
    if (r.algorithm == Algorithm::kAuto)
      throw InputError("", 0, "concurrent collectives need explicit algorithms");
    Schedule s = BuildSchedule(net, r.op, r.algorithm, r.size, GroupOf(net, r));
    for (Phase& ph : s.phases) {
      for (Transfer& t : ph.transfers) t.job = static_cast<uint16_t>(j);
    }
    results[j].algorithm = s.algorithm;
    results[j].label = s.label;
    results[j].reduced = s.reduced;
    results[j].phases = static_cast<int64_t>(s.phases.size());
    sequences.push_back(std::move(s.phases));
  }
  const std::vector<Phase> merged = requests.size() == 1 ? sequences[0] : MergeConcurrent(sequences);
  std::vector<double> times(requests.size(), 0);
  int64_t flows = 0;
  RunPhases(net, merged, times, flows);
  for (size_t j = 0; j < requests.size(); ++j) {
    results[j].time = Seconds(times[j]);
    results[j].flows = flows;
  }
  return results;
}

CollectiveResult SimulateCollective(const Network& net, const CollectiveRequest& request) {
  if (request.algorithm != Algorithm::kAuto) return SimulateConcurrent(net, {request})[0];
  const std::vector<int64_t> group = GroupOf(net, request);
  CollectiveResult best;
  bool have = false;
  for (Algorithm a : CandidateAlgorithms(net, request.op, group)) {
    CollectiveRequest r = request;
    r.algorithm = a;
    r.group = group;
    const CollectiveResult res = SimulateConcurrent(net, {r})[0];
    if (!have || res.time < best.time) best = res, have = true;
  }
  return best;
}

Seconds ClosedFormTime(const Network& net, const CollectiveRequest& request) {
  const std::vector<int64_t> group = GroupOf(net, request);
  const auto n = static_cast<int>(group.size());
  std::set<int64_t> domains;
  for (int64_t r : group) domains.insert(net.DomainOf(r));
  const Algorithm algo = request.algorithm;
  if (domains.size() == 1) {
    if (!net.switch_domain()) {
      const DomainSpec& d = net.cluster().node.domain;
      // On a twisted torus this is the regular torus's time: what an algorithm built for the twist could reach;
      // the flow model runs the plain dimension rings there, routed over the twisted links, and is slower.
      if (algo == Algorithm::kTorus && n == net.domain_size()) {
        return TorusCollectiveTime(request.op, request.size, net.torus_shape(), d.link_bandwidth * d.efficiency,
                                   d.latency);
      }
    }
    return FlatCollectiveTime(request.op, algo, request.size,
                              LinkLevel{n, net.DomainBandwidth(), net.DomainLatency()});
  }
  const int m = n / static_cast<int>(domains.size());
  const LinkLevel inner{m, net.DomainBandwidth(), net.DomainLatency()};
  const LinkLevel outer{static_cast<int>(domains.size()), net.FabricBandwidth(), net.FabricLatency()};
  std::map<int, int> per_site;
  for (int64_t d : domains) ++per_site[net.SiteOf(d * net.domain_size())];
  bool even_sites = true;
  for (const auto& [site, count] : per_site) even_sites = even_sites && count == per_site.begin()->second;
  if ((algo == Algorithm::kHierarchical || algo == Algorithm::kNvls) && per_site.size() > 1 && even_sites) {
    // Domains, then the fabric inside each site, then the sites: every member of a site sends across the WAN at
    // once, so each gets its share of the site pair's link, and no more than its port through the pod uplinks.
    const int sites = static_cast<int>(per_site.size());
    const int per = per_site.begin()->second;
    const FabricSpec& f = net.cluster().fabric;
    const bool pods =
        f.kind == FabricKind::kClos && f.pod_size > 0 && net.accelerators() / net.sites() > f.pod_size;
    const Bandwidth port =
        net.FabricBandwidth() * (pods ? std::min(1.0, 1.0 / f.CrossPodOversubscription()) : 1.0);
    const LinkLevel fabric{per, net.FabricBandwidth(), net.FabricLatency()};
    const LinkLevel wan{sites, std::min(port, net.WanBandwidth() / static_cast<double>(m * per)),
                        net.FabricLatency() + net.WanLatency()};
    return HierarchicalCollectiveTime(request.op, request.size, {inner, fabric, wan},
                                      algo == Algorithm::kNvls ? Algorithm::kNvls : Algorithm::kRing);
  }
  // Rings through several sites (a flat algorithm, or rail rings over sites holding unequal shares of the group)
  // wait on the WAN at every step; the m rail rings share each site pair's link.
  const bool across_sites = per_site.size() > 1;
  const Seconds wan_latency = across_sites ? net.WanLatency() : Seconds(0);
  const Bandwidth wan = across_sites ? net.WanBandwidth() : net.FabricBandwidth();
  if (algo == Algorithm::kHierarchical || algo == Algorithm::kNvls) {
    const Bandwidth rail =
        across_sites ? std::min(outer.bandwidth, wan / static_cast<double>(m)) : outer.bandwidth;
    const LinkLevel rails{outer.ranks, rail, outer.latency + wan_latency};
    return HierarchicalCollectiveTime(request.op, request.size, {inner, rails},
                                      algo == Algorithm::kNvls ? Algorithm::kNvls : Algorithm::kRing);
  }
  if (algo == Algorithm::kSharp) {
    return HierarchicalCollectiveTime(request.op, request.size, {inner, outer},
                                      net.in_network_reduction() ? Algorithm::kNvls : Algorithm::kRing,
                                      Algorithm::kSharp);
  }
  // A flat algorithm across domains runs at the slower of the two levels; across sites each step also waits on
  // the WAN, whose link carries one flow per channel of the ring's step (each rank's whole step in all).
  const LinkLevel flat{n, std::min({net.DomainBandwidth(), net.FabricBandwidth(), wan}),
                       std::max(net.DomainLatency(), net.FabricLatency()) + wan_latency};
  return FlatCollectiveTime(request.op, algo, request.size, flat);
}

}  // namespace fleetsim
