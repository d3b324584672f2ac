#include "fleetsim/collective/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "fleetsim/collective/schedule_parts.h"
#include "fleetsim/core/error.h"

namespace fleetsim {
namespace schedule_parts {

Transfer Peer(int64_t src, int64_t dst, double bytes, uint32_t channel) {
  Transfer t;
  t.src = src;
  t.dst = dst;
  t.bytes = bytes;
  t.channel = channel;
  return t;
}

// Equal member counts in every domain (and the same local indices), so rails and inner rings line up.
bool Aligned(const Ctx& c) {
  const std::vector<int64_t>& first = c.domains.begin()->second;
  for (const auto& [d, members] : c.domains) {
    if (members.size() != first.size()) return false;
    for (size_t i = 0; i < members.size(); ++i) {
      if (c.net.LocalIndex(members[i]) != c.net.LocalIndex(first[i])) return false;
    }
  }
  return true;
}

Phase RingStep(const std::vector<std::vector<int64_t>>& orders, double chunk, int64_t repeat,
               bool representative) {
  Phase ph;
  ph.repeat = repeat;
  // Position-major: the channels' transfers at one position leave the same domain, so the flow model meets
  // them together and walks the topology's links once instead of once per channel.
  const size_t last = representative ? 1 : orders.front().size();
  ph.transfers.reserve(last * orders.size());
  for (size_t i = 0; i < last; ++i) {
    for (size_t ch = 0; ch < orders.size(); ++ch) {
      const std::vector<int64_t>& o = orders[ch];
      ph.transfers.push_back(Peer(o[i], o[(i + 1) % o.size()], chunk, static_cast<uint32_t>(ch)));
    }
  }
  return ph;
}

// In-switch reduction inside one domain: each rank streams to the switch and back, at the NVLS rate.
std::vector<Phase> NvlsPhases(const Network& net, CollectiveOp op, double size,
                              const std::vector<int64_t>& members, bool rep) {
  const double n = static_cast<double>(members.size());
  // Latency steps count half-hops (rank to switch), each half the domain latency: two full latencies for an
  // all-reduce (to the switch and back, twice), one for the others.
  double up = size, down = size;
  int latency = 4;
  if (op == CollectiveOp::kAllGather) up = size / n, down = size * (n - 1) / n, latency = 2;
  if (op == CollectiveOp::kReduceScatter) up = size * (n - 1) / n, down = size / n, latency = 2;
  const double cap = net.DomainBandwidth().value() * kNvlsBandwidthFactor;
  Phase ph;
  ph.latency_steps = latency;
  for (size_t i = 0; i < (rep ? 1 : members.size()); ++i) {
    Transfer t = Peer(members[i], members[i], up);
    t.kind = TransferKind::kToSwitch;
    t.cap = cap;
    ph.transfers.push_back(t);
    t.bytes = down;
    t.kind = TransferKind::kFromSwitch;
    ph.transfers.push_back(t);
  }
  return {ph};
}

// One phase per step pattern of an inner (per-domain) collective; `rep`: only the first domain's first rank.
std::vector<Phase> InnerPhases(const Ctx& c, CollectiveOp op, bool nvls) {
  const bool rep = c.clean && c.net.switch_domain();
  const bool rep_domain = c.clean;  // identical, link-disjoint domains: simulate the first only
  if (nvls) return NvlsPhases(c.net, op, c.size, c.domains.begin()->second, rep);
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  std::vector<std::vector<int64_t>> orders;
  for (const auto& [d, members] : c.domains) {
    orders.push_back(members);
    if (rep_domain) break;
  }
  return {RingStep(orders, c.size / static_cast<double>(m), m - 1, rep)};
}

}  // namespace schedule_parts

namespace {

using schedule_parts::Aligned;
using schedule_parts::Ctx;
using schedule_parts::InnerPhases;
using schedule_parts::NvlsPhases;
using schedule_parts::Peer;
using schedule_parts::RingStep;

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// Ring orders, one per channel. Across switch domains with aligned members: one channel per member, each
// entering and leaving a domain through the same rail (directions alternate domain by domain), as NCCL lays rings
// out on rail-optimized fabrics. Otherwise one ring in group order.
std::vector<std::vector<int64_t>> RingOrders(const Ctx& c) {
  if (c.domains.size() <= 1 || !c.net.switch_domain() || !Aligned(c)) return {c.group};
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  std::vector<std::vector<int64_t>> orders;
  for (int64_t ch = 0; ch < m; ++ch) {
    std::vector<int64_t> order;
    int64_t k = 0;
    for (const auto& [d, members] : c.domains) {
      for (int64_t i = 0; i < m; ++i) {
        const int64_t pos = (k % 2 == 0) ? (ch + i) % m : (ch + m - 1 - i) % m;
        order.push_back(members[static_cast<size_t>(pos)]);
      }
      ++k;
    }
    orders.push_back(std::move(order));
  }
  return orders;
}

Schedule Ring(const Ctx& c) {
  Schedule s;
  s.algorithm = Algorithm::kRing;
  const auto orders = RingOrders(c);
  const auto channels = static_cast<double>(orders.size());
  const bool rep = c.clean && c.one_switch;
  s.reduced = rep;
  const double nd = static_cast<double>(c.n);
  switch (c.op) {
    case CollectiveOp::kAllReduce:
      s.phases.push_back(RingStep(orders, c.size / (nd * channels), 2 * (c.n - 1), rep));
      break;
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather:
      s.phases.push_back(RingStep(orders, c.size / (nd * channels), c.n - 1, rep));
      break;
    case CollectiveOp::kBroadcast: {
      // A pipelined chain: every link carries the whole buffer at once; latency builds up along the chain.
      Phase ph;
      ph.latency_steps = static_cast<int>(c.n - 1);
      for (size_t ch = 0; ch < orders.size(); ++ch) {
        for (size_t i = 0; i + 1 < (rep ? 2 : orders[ch].size()); ++i) {
          ph.transfers.push_back(
              Peer(orders[ch][i], orders[ch][i + 1], c.size / channels, static_cast<uint32_t>(ch)));
        }
      }
      s.phases.push_back(std::move(ph));
      break;
    }
    default:
      break;
  }
  return s;
}

Schedule Tree(const Ctx& c) {
  Schedule s;
  s.algorithm = Algorithm::kTree;
  Phase ph;
  const int n = static_cast<int>(c.n);
  const int depth = static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
  const bool all_reduce = c.op == CollectiveOp::kAllReduce;
  ph.latency_steps = all_reduce ? 2 * depth : depth;
  for (int t = 0; t < 2; ++t) {
    const std::vector<int> parent = TreeParents(n, t);
    for (int r = 0; r < n; ++r) {
      const int p = parent[static_cast<size_t>(r)];
      if (p < 0) continue;
      const int64_t child = c.group[static_cast<size_t>(r)], up = c.group[static_cast<size_t>(p)];
      ph.transfers.push_back(Peer(up, child, c.size / 2, static_cast<uint32_t>(t)));
      if (all_reduce) ph.transfers.push_back(Peer(child, up, c.size / 2, static_cast<uint32_t>(2 + t)));
    }
  }
  s.phases.push_back(std::move(ph));
  return s;
}

Schedule HalvingDoubling(const Ctx& c) {
  Schedule s;
  s.algorithm = Algorithm::kHalvingDoubling;
  const bool rep = c.clean && c.one_switch;
  s.reduced = rep;
  const int rounds = static_cast<int>(std::lround(std::log2(static_cast<double>(c.n))));
  const auto exchange = [&](int k) {  // partners at distance n / 2^(k+1) swap size / 2^(k+1)
    Phase ph;
    const int64_t dist = c.n >> (k + 1);
    const double bytes = c.size / std::ldexp(1.0, k + 1);
    for (int64_t i = 0; i < (rep ? 1 : c.n); ++i) {
      ph.transfers.push_back(Peer(c.group[static_cast<size_t>(i)], c.group[static_cast<size_t>(i ^ dist)], bytes));
    }
    return ph;
  };
  if (c.op == CollectiveOp::kBroadcast) {  // binomial scatter from the root, then recursive-doubling all-gather
    for (int k = 0; k < rounds; ++k) {
      Phase ph;
      const int64_t stride = c.n >> k, dist = c.n >> (k + 1);
      for (int64_t i = 0; i < c.n; i += stride) {
        ph.transfers.push_back(Peer(c.group[static_cast<size_t>(i)], c.group[static_cast<size_t>(i + dist)],
                                    c.size / std::ldexp(1.0, k + 1)));
      }
      s.phases.push_back(std::move(ph));
    }
  }
  if (c.op == CollectiveOp::kAllReduce || c.op == CollectiveOp::kReduceScatter) {
    for (int k = 0; k < rounds; ++k) s.phases.push_back(exchange(k));
  }
  if (c.op != CollectiveOp::kReduceScatter) {
    for (int k = rounds - 1; k >= 0; --k) s.phases.push_back(exchange(k));
  }
  return s;
}

std::vector<Phase> OuterPhases(const Ctx& c, CollectiveOp op) {
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  const auto d = static_cast<int64_t>(c.domains.size());
  std::vector<std::vector<int64_t>> rings(static_cast<size_t>(m));
  for (const auto& [dom, members] : c.domains) {
    for (int64_t j = 0; j < m; ++j) rings[static_cast<size_t>(j)].push_back(members[static_cast<size_t>(j)]);
  }
  const double chunk = c.size / static_cast<double>(m * d);
  return {RingStep(rings, chunk, op == CollectiveOp::kAllReduce ? 2 * (d - 1) : d - 1, false)};
}

// The all-reduce of each rail's shard across domains inside the fabric's switches: every member streams the shard
// up its rail's reduction tree and receives the result back down, all rails at once.
Phase SharpPhase(const Ctx& c) {
  const auto m = static_cast<int64_t>(c.domains.begin()->second.size());
  std::vector<std::vector<int64_t>> rails(static_cast<size_t>(m));
  for (const auto& [dom, members] : c.domains) {
    for (int64_t j = 0; j < m; ++j) rails[static_cast<size_t>(j)].push_back(members[static_cast<size_t>(j)]);
  }
  const double shard = c.size / static_cast<double>(m);
  Phase ph;
  int depth = 1;
  for (size_t j = 0; j < rails.size(); ++j) {
    std::vector<Path> up, down;
    c.net.ReductionTree(rails[j], j, up, down, depth);
    for (std::vector<Path>* edges : {&up, &down}) {
      for (Path& p : *edges) {
        Transfer t;
        t.kind = TransferKind::kPath;
        t.src = static_cast<int64_t>(ph.paths.size());
        t.bytes = shard;
        t.channel = static_cast<uint32_t>(j);
        ph.transfers.push_back(t);
        ph.paths.push_back(std::move(p));
      }
    }
  }
  ph.latency_steps = 2 * depth;  // up the tree and back down, a switch level at a time
  return ph;
}

Schedule Hierarchical(const Ctx& c, bool nvls) {
  if (const int64_t per_site = schedule_parts::DomainsPerSite(c); per_site > 0) {
    return schedule_parts::MultiSiteHierarchical(c, per_site, nvls);
  }
  Schedule s;
  s.algorithm = nvls ? Algorithm::kNvls : Algorithm::kHierarchical;
  s.reduced = c.clean;
  const auto append = [&](std::vector<Phase> phases) {
    for (Phase& p : phases) s.phases.push_back(std::move(p));
  };
  const bool inner = c.domains.begin()->second.size() > 1;
  switch (c.op) {
    case CollectiveOp::kAllReduce:
      if (inner) append(InnerPhases(c, CollectiveOp::kReduceScatter, nvls));
      append(OuterPhases(c, CollectiveOp::kAllReduce));
      if (inner) append(InnerPhases(c, CollectiveOp::kAllGather, nvls));
      break;
    case CollectiveOp::kReduceScatter:
      append(OuterPhases(c, CollectiveOp::kReduceScatter));
      if (inner) append(InnerPhases(c, CollectiveOp::kReduceScatter, nvls));
      break;
    default:
      if (inner) append(InnerPhases(c, CollectiveOp::kAllGather, nvls));
      append(OuterPhases(c, CollectiveOp::kAllGather));
      break;
  }
  return s;
}

Schedule Torus(const Ctx& c) {
  Schedule s;
  s.algorithm = Algorithm::kTorus;
  const Network& net = c.net;
  const std::vector<int>& shape = net.torus_shape();
  std::vector<int> dims;
  for (int k = 0; k < static_cast<int>(shape.size()); ++k) {
    if (shape[static_cast<size_t>(k)] > 1) dims.push_back(k);
  }
  // Every rank's rings look alike on a regular torus. On a twisted one the ring neighbours across a short
  // dimension's wrap-around are no longer adjacent (their route takes other links), so every rank is simulated.
  const bool rep = c.clean && net.torus_wraps() && !net.torus_twisted();
  s.reduced = rep;
  const int64_t base = net.DomainOf(c.group[0]) * net.domain_size();
  const std::vector<int64_t>& strides = net.torus_strides();
  const auto neighbor = [&](int64_t v, int dim, int dir) {
    const int64_t local = v - base, k = shape[static_cast<size_t>(dim)], st = strides[static_cast<size_t>(dim)];
    const int64_t coord = (local / st) % k;
    return base + local + (((coord + dir + k) % k) - coord) * st;
  };
  const bool rs = c.op == CollectiveOp::kAllReduce || c.op == CollectiveOp::kReduceScatter;
  const bool ag = c.op == CollectiveOp::kAllReduce || c.op == CollectiveOp::kAllGather;
  const size_t parts = dims.size();
  std::vector<std::vector<Phase>> sequences(parts);
  for (size_t p = 0; p < parts; ++p) {
    std::vector<Phase> steps;
    double data = c.size / static_cast<double>(parts);
    for (size_t q = 0; q < parts; ++q) {
      const int dim = dims[(p + q) % parts];
      const int64_t k = shape[static_cast<size_t>(dim)];
      Phase ph;
      ph.repeat = k - 1;
      const double chunk = data / (2.0 * static_cast<double>(k));
      const int64_t senders = rep ? 1 : c.n;
      for (int64_t i = 0; i < senders; ++i) {
        const int64_t v = base + i;
        ph.transfers.push_back(Peer(v, neighbor(v, dim, +1), chunk, static_cast<uint32_t>(2 * p)));
        ph.transfers.push_back(Peer(v, neighbor(v, dim, -1), chunk, static_cast<uint32_t>(2 * p + 1)));
      }
      steps.push_back(std::move(ph));
      data /= static_cast<double>(k);
    }
    std::vector<Phase>& seq = sequences[p];
    if (rs) seq.insert(seq.end(), steps.begin(), steps.end());
    if (ag) seq.insert(seq.end(), steps.rbegin(), steps.rend());
  }
  s.phases = MergeConcurrent(sequences);
  return s;
}

}  // namespace

std::vector<Phase> MergeConcurrent(const std::vector<std::vector<Phase>>& sequences) {
  std::vector<Phase> merged;
  std::vector<size_t> index(sequences.size(), 0);
  std::vector<int64_t> left(sequences.size(), 0);
  for (size_t j = 0; j < sequences.size(); ++j) {
    if (!sequences[j].empty()) left[j] = sequences[j][0].repeat;
  }
  while (true) {
    int64_t repeat = -1;
    for (size_t j = 0; j < sequences.size(); ++j) {
      if (index[j] < sequences[j].size()) repeat = repeat < 0 ? left[j] : std::min(repeat, left[j]);
    }
    if (repeat < 0) break;
    Phase ph;
    ph.repeat = repeat;
    ph.latency_steps = 0;
    for (size_t j = 0; j < sequences.size(); ++j) {
      if (index[j] >= sequences[j].size()) continue;
      const Phase& cur = sequences[j][index[j]];
      ph.transfers.insert(ph.transfers.end(), cur.transfers.begin(), cur.transfers.end());
      ph.latency_steps = std::max(ph.latency_steps, cur.latency_steps);
      left[j] -= repeat;
      if (left[j] == 0 && ++index[j] < sequences[j].size()) left[j] = sequences[j][index[j]].repeat;
    }
    if (repeat > 0) merged.push_back(std::move(ph));
  }
  return merged;
}

namespace {

// Why `requested` could not run as asked (BuildSchedule's fallbacks, in the same order).
std::string WhyUnavailable(const Network& net, CollectiveOp op, Algorithm requested, size_t domains) {
  const bool reduce_family =
      op == CollectiveOp::kAllReduce || op == CollectiveOp::kReduceScatter || op == CollectiveOp::kAllGather;
  if (op == CollectiveOp::kAllToAll) return "all-to-all always runs direct";
  switch (requested) {
    case Algorithm::kTree:
      return "tree runs all-reduce and broadcast only";
    case Algorithm::kHalvingDoubling:
      return "it needs a power-of-two group";
    case Algorithm::kNvls:
      if (!net.in_network_reduction()) return "the node's switches do not reduce (no NVLink SHARP)";
      if (!reduce_family) return "it runs all-reduce, reduce-scatter and all-gather only";
      return "the group does not fill its nodes evenly";
    case Algorithm::kHierarchical:
      if (!reduce_family) return "it runs all-reduce, reduce-scatter and all-gather only";
      if (domains <= 1) return "the group lies in one node";
      return "the group does not fill its nodes evenly";
    case Algorithm::kSharp:
      if (op != CollectiveOp::kAllReduce) return "it runs all-reduce only";
      if (!net.fabric_reduction()) return "the fabric's switches do not reduce";
      if (net.HasFailures()) return "links have failed and its switch trees do not reroute";
      if (domains <= 1) return "the group lies in one node";
      return "the group does not fill its nodes evenly";
    case Algorithm::kTorus:
      return "it needs the whole of one torus domain";
    default:
      return "it does not apply here";
  }
}

// Where the group lies: its domains, the sites they are in, and whether every site holds as many of them.
struct Span {
  size_t domains = 0;
  size_t sites = 0;
  bool even_sites = true;
};

// What ran, in words, when it is not simply the requested algorithm, and how it met the WAN across sites.
std::string Label(const Network& net, CollectiveOp op, Algorithm requested, const Schedule& s, const Span& span) {
  if (op == CollectiveOp::kPointToPoint) return "direct (point-to-point)";
  const bool hierarchical = s.algorithm == Algorithm::kHierarchical || s.algorithm == Algorithm::kNvls;
  if (hierarchical && span.sites > 1) {
    if (!span.even_sites) {
      return fmt::format(
          "hierarchical (rail rings through the WAN on every step: the group's {} sites hold "
          "unequal shares of it)",
          span.sites);
    }
    if (s.algorithm == Algorithm::kNvls) {
      return fmt::format(
          "hierarchical (nvls inside nodes, rings inside each of {} sites, then across them on the "
          "shard: nvls unavailable across nodes)",
          span.sites);
    }
    return fmt::format("hierarchical (rings inside each of {} sites, then across them on the shard)", span.sites);
  }
  if (s.algorithm == Algorithm::kNvls && span.domains > 1) {
    return "hierarchical (nvls inside nodes, ring between them: nvls unavailable across nodes)";
  }
  std::string label(AlgorithmName(s.algorithm));
  std::string why = s.note;
  if (s.algorithm != requested) {
    why += fmt::format("{}{} unavailable: {}", why.empty() ? "" : "; ", AlgorithmName(requested),
                       WhyUnavailable(net, op, requested, span.domains));
  }
  if (s.algorithm == Algorithm::kRing && span.sites > 1) {
    int64_t steps = 0;
    for (const Phase& ph : s.phases) steps += ph.repeat * std::max(1, ph.latency_steps);
    why += fmt::format("{}flat across {} sites: each of its {} steps waits on the WAN", why.empty() ? "" : "; ",
                       span.sites, steps);
  }
  return why.empty() ? label : fmt::format("{} ({})", label, why);
}

Schedule Unroll(const Network& net, CollectiveOp op, Algorithm algo, Bytes size,
                const std::vector<int64_t>& group);

}  // namespace

Schedule BuildSchedule(const Network& net, CollectiveOp op, Algorithm algo, Bytes size,
                       const std::vector<int64_t>& group) {
  Schedule s = Unroll(net, op, algo, size, group);
  std::set<int64_t> domains;
  for (int64_t r : group) domains.insert(net.DomainOf(r));
  std::map<int, int64_t> per_site;
  for (int64_t d : domains) ++per_site[net.SiteOf(d * net.domain_size())];
  Span span{domains.size(), per_site.size(), true};
  for (const auto& [site, count] : per_site)
    span.even_sites = span.even_sites && count == per_site.begin()->second;
  s.label = Label(net, op, algo, s, span);
  return s;
}

namespace {

Schedule Unroll(const Network& net, CollectiveOp op, Algorithm algo, Bytes size,
                const std::vector<int64_t>& group) {
  FLEETSIM_CHECK(algo != Algorithm::kAuto);
  if (group.empty()) throw InputError("", 0, "a collective needs at least one rank");
  if (static_cast<int64_t>(group.size()) > net.accelerators()) {
    throw InputError("", 0,
                     fmt::format("the group of {} ranks is larger than the network's {} accelerators",
                                 group.size(), net.accelerators()));
  }
  Ctx c{net, op, size.value(), group, static_cast<int64_t>(group.size()), !net.HasFailures(), false, {}};
  for (int64_t r : group) {
    if (r < 0 || r >= net.accelerators()) {
      throw InputError(
          "", 0, fmt::format("rank {} is not an accelerator of the network (0..{})", r, net.accelerators() - 1));
    }
    c.domains[net.DomainOf(r)].push_back(r);
  }
  for (auto& [d, members] : c.domains) {
    std::sort(members.begin(), members.end());
    if (std::adjacent_find(members.begin(), members.end()) != members.end()) {
      throw InputError("", 0, "a rank appears twice in the group");
    }
  }
  c.one_switch = net.switch_domain() && c.domains.size() == 1;
  Schedule none;
  none.algorithm = algo;
  if (c.n <= 1 || size.value() <= 0) return none;

  if (op == CollectiveOp::kPointToPoint) {  // every rank sends to the next, as nccl-tests sendrecv
    Schedule s;
    s.algorithm = algo;
    s.reduced = c.clean && c.one_switch;
    Phase ph;
    for (int64_t i = 0; i < (s.reduced ? 1 : c.n); ++i) {
      ph.transfers.push_back(
          Peer(group[static_cast<size_t>(i)], group[static_cast<size_t>((i + 1) % c.n)], c.size));
    }
    s.phases.push_back(std::move(ph));
    return s;
  }
  if (op == CollectiveOp::kAllToAll) return schedule_parts::Direct(c);
  const bool reduce_family =
      op == CollectiveOp::kAllReduce || op == CollectiveOp::kReduceScatter || op == CollectiveOp::kAllGather;
  switch (algo) {
    case Algorithm::kDirect:
      return schedule_parts::Direct(c);
    case Algorithm::kTree:
      if (op == CollectiveOp::kAllReduce || op == CollectiveOp::kBroadcast) return Tree(c);
      return Ring(c);
    case Algorithm::kHalvingDoubling:
      if (IsPowerOfTwo(c.n)) return HalvingDoubling(c);
      return Ring(c);
    case Algorithm::kNvls:
      if (!net.in_network_reduction() || !reduce_family) return Ring(c);
      if (c.domains.size() == 1) {
        Schedule s;
        s.algorithm = Algorithm::kNvls;
        s.reduced = c.clean;
        s.phases = NvlsPhases(net, op, c.size, group, c.clean);
        return s;
      }
      if (Aligned(c)) return Hierarchical(c, true);
      return Ring(c);
    case Algorithm::kHierarchical:
      if (reduce_family && c.domains.size() > 1 && Aligned(c)) return Hierarchical(c, false);
      return Ring(c);
    case Algorithm::kSharp:
      // The switch trees are fixed: with failed links the rings of hierarchical reroute instead.
      if (c.op == CollectiveOp::kAllReduce && net.fabric_reduction() && !net.HasFailures() &&
          c.domains.size() > 1 && Aligned(c)) {
        Schedule sh;
        sh.algorithm = Algorithm::kSharp;
        sh.reduced = c.clean;
        const bool nvls = net.in_network_reduction();
        const bool inner = c.domains.begin()->second.size() > 1;
        if (inner) {
          for (Phase& p : InnerPhases(c, CollectiveOp::kReduceScatter, nvls)) sh.phases.push_back(std::move(p));
        }
        sh.phases.push_back(SharpPhase(c));
        if (inner) {
          for (Phase& p : InnerPhases(c, CollectiveOp::kAllGather, nvls)) sh.phases.push_back(std::move(p));
        }
        return sh;
      }
      if (reduce_family && c.domains.size() > 1 && Aligned(c)) return Hierarchical(c, false);
      return Ring(c);
    case Algorithm::kTorus:
      if (reduce_family && !net.switch_domain() && c.domains.size() == 1 && c.n == net.domain_size())
        return Torus(c);
      return Ring(c);
    default:
      return Ring(c);
  }
}

}  // namespace

}  // namespace fleetsim
