#include <map>

#include "fleetsim/collective/schedule_parts.h"

namespace fleetsim::schedule_parts {
namespace {

// Rail rings over the group's domains, which `c.domains` lists site by site. Inside sites: ring (site s, rail j)
// joins member j of every domain of site s. Across sites: ring (k, j) joins member j of the k-th domain of every
// site.
std::vector<std::vector<int64_t>> RailRings(const Ctx& c, int64_t per_site, bool across_sites) {
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  const auto sites = static_cast<int64_t>(c.domains.size()) / per_site;
  std::vector<std::vector<int64_t>> rings(static_cast<size_t>((across_sites ? per_site : sites) * m));
  int64_t k = 0;
  for (const auto& [dom, members] : c.domains) {
    const int64_t ring_group = across_sites ? k % per_site : k / per_site;
    ++k;
    for (int64_t j = 0; j < m; ++j)
      rings[static_cast<size_t>(ring_group * m + j)].push_back(members[static_cast<size_t>(j)]);
  }
  return rings;
}

// Rail rings inside each site: `op`'s steps on a buffer of c.size / m per rail. Sites' fabrics are disjoint, so
// their rings run at once without meeting.
Phase SiteRingStep(const Ctx& c, int64_t per_site, CollectiveOp op) {
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  const double chunk = c.size / static_cast<double>(m * per_site);
  return RingStep(RailRings(c, per_site, false), chunk,
                  op == CollectiveOp::kAllReduce ? 2 * (per_site - 1) : per_site - 1, false);
}

// Rings across sites, on the shard that rank holds after the reductions inside its site (c.size / (m x
// per_site)); the only phase whose transfers cross the WAN, with 2(S-1) steps for all-reduce and S-1 otherwise
// over S sites.
Phase WanRingStep(const Ctx& c, int64_t per_site, CollectiveOp op) {
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  const auto sites = static_cast<int64_t>(c.domains.size()) / per_site;
  const double chunk = c.size / static_cast<double>(m * per_site * sites);
  return RingStep(RailRings(c, per_site, true), chunk,
                  op == CollectiveOp::kAllReduce ? 2 * (sites - 1) : sites - 1, false);
}

}  // namespace

// Domains of the group in each site it spans, when it spans several sites with the same number of domains in
// each (the domains of a site are consecutive, so `c.domains` lists them site by site); 0 otherwise.
int64_t DomainsPerSite(const Ctx& c) {
  std::map<int, int64_t> per_site;
  for (const auto& [d, members] : c.domains) ++per_site[c.net.SiteOf(members.front())];
  if (per_site.size() <= 1) return 0;
  const int64_t first = per_site.begin()->second;
  for (const auto& [site, count] : per_site) {
    if (count != first) return 0;
  }
  return first;
}

// Hierarchical across sites, NCCL-style: reduce-scatter inside each domain, then across the domains of each site,
// the shard's all-reduce (or reduce-scatter, all-gather) across sites, and the gathers back. The WAN latency is
// paid once per ring step of the cross-site phase only: twice for an all-reduce over two sites.
Schedule MultiSiteHierarchical(const Ctx& c, int64_t per_site, bool nvls) {
  Schedule s;
  s.algorithm = nvls ? Algorithm::kNvls : Algorithm::kHierarchical;
  s.reduced = c.clean;
  const bool inner = c.domains.begin()->second.size() > 1;
  const bool fabric = per_site > 1;
  const auto append = [&](std::vector<Phase> phases) {
    for (Phase& p : phases) s.phases.push_back(std::move(p));
  };
  const bool gather = c.op == CollectiveOp::kAllGather;
  if (!gather) {  // the reduction inward: domain, site, then across sites on the shard
    if (inner) append(InnerPhases(c, CollectiveOp::kReduceScatter, nvls));
    if (fabric) s.phases.push_back(SiteRingStep(c, per_site, CollectiveOp::kReduceScatter));
  }
  s.phases.push_back(WanRingStep(c, per_site, c.op));
  if (c.op != CollectiveOp::kReduceScatter) {  // and the gathers outward
    if (fabric) s.phases.push_back(SiteRingStep(c, per_site, CollectiveOp::kAllGather));
    if (inner) append(InnerPhases(c, CollectiveOp::kAllGather, nvls));
  }
  return s;
}

}  // namespace fleetsim::schedule_parts
