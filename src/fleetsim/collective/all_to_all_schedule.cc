#include <fmt/format.h>

#include "fleetsim/collective/schedule_parts.h"
#include "fleetsim/core/error.h"

namespace fleetsim::schedule_parts {
namespace {

// All-to-all across switch domains whose members line up on a rail-optimized Clos, as NCCL runs it with PXN: a
// rank first hands the pieces for rank b of every other domain to its own domain's member on b's rail (over the
// scale-up switch), and that member sends each remote domain one message per rail carrying the pieces of all its
// domain's ranks. The NICs and the fabric carry the same bytes as pair-by-pair sends, in m times fewer, m times
// larger flows (m members per domain); the scale-up hop runs alongside (NCCL pipelines it in chunks).
Schedule RailAllToAll(const Ctx& c) {
  Schedule s;
  s.algorithm = Algorithm::kDirect;
  s.note = "pxn: one flow per node pair and rail";
  const auto domains = static_cast<double>(c.domains.size());
  const double piece = c.size / static_cast<double>(c.n);
  const auto m = static_cast<double>(c.domains.begin()->second.size());
  const double flows = domains * (domains - 1) * m + domains * m * (m - 1);
  if (flows > kMaxDirectFlows) {
    throw InputError("", 0,
                     fmt::format("all-to-all over {} ranks needs {:.3g} flows even aggregated by rail; at most "
                                 "{:.3g}",
                                 c.n, flows, kMaxDirectFlows));
  }
  Phase ph;
  ph.transfers.reserve(static_cast<size_t>(flows));
  for (const auto& [d, members] : c.domains) {
    // Own piece for the peer plus the pieces bound for the peer's rail in every other domain.
    for (int64_t a : members) {
      for (int64_t b : members) {
        if (a != b) ph.transfers.push_back(Peer(a, b, piece * domains));
      }
    }
  }
  for (const auto& [x, from] : c.domains) {
    for (const auto& [y, to] : c.domains) {
      if (x == y) continue;
      for (size_t r = 0; r < from.size(); ++r) ph.transfers.push_back(Peer(from[r], to[r], piece * m));
    }
  }
  s.phases.push_back(std::move(ph));
  return s;
}

}  // namespace

Schedule Direct(const Ctx& c) {
  // On a rail-optimized fabric only: under a ToR per rack every member of a node shares the switch, so the
  // relay buys nothing and fewer, larger flows only hash less evenly over the uplinks.
  const FabricSpec& f = c.net.cluster().fabric;
  if (c.op == CollectiveOp::kAllToAll && c.net.switch_domain() && f.kind == FabricKind::kClos &&
      f.rail_optimized && c.net.rails() > 0 && c.domains.size() > 1 && Aligned(c) &&
      c.domains.begin()->second.size() > 1) {
    return RailAllToAll(c);
  }
  Schedule s;
  s.algorithm = Algorithm::kDirect;
  if (c.n > kMaxDirectRanks) {
    throw InputError("", 0,
                     fmt::format("direct and all-to-all over {} ranks need {} flows; at most {} ranks", c.n,
                                 c.n * c.n, kMaxDirectRanks));
  }
  const bool rep = c.clean && c.one_switch;
  s.reduced = rep;
  const double piece = c.size / static_cast<double>(c.n);
  const auto all_pairs = [&](int64_t senders) {
    Phase ph;
    for (int64_t i = 0; i < senders; ++i) {
      for (int64_t j = 0; j < c.n; ++j) {
        if (i != j)
          ph.transfers.push_back(Peer(c.group[static_cast<size_t>(i)], c.group[static_cast<size_t>(j)], piece));
      }
    }
    return ph;
  };
  const int64_t senders = rep ? 1 : c.n;
  if (c.op == CollectiveOp::kBroadcast) s.phases.push_back(all_pairs(1));  // scatter from the root
  s.phases.push_back(all_pairs(senders));
  if (c.op == CollectiveOp::kAllReduce) s.phases.push_back(all_pairs(senders));
  return s;
}

}  // namespace fleetsim::schedule_parts
