#include "fleetsim/collective/collective.h"

#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

constexpr std::pair<CollectiveOp, std::string_view> kOps[] = {
    {CollectiveOp::kAllReduce, "all-reduce"}, {CollectiveOp::kReduceScatter, "reduce-scatter"},
    {CollectiveOp::kAllGather, "all-gather"}, {CollectiveOp::kAllToAll, "all-to-all"},
    {CollectiveOp::kBroadcast, "broadcast"},  {CollectiveOp::kPointToPoint, "point-to-point"}};
constexpr std::pair<Algorithm, std::string_view> kAlgorithms[] = {
    {Algorithm::kRing, "ring"},     {Algorithm::kTree, "tree"},   {Algorithm::kHalvingDoubling, "halving-doubling"},
    {Algorithm::kDirect, "direct"}, {Algorithm::kHierarchical, "hierarchical"},
    {Algorithm::kTorus, "torus"},   {Algorithm::kNvls, "nvls"},   {Algorithm::kAuto, "auto"}};

double Log2Ceil(int n) { return std::ceil(std::log2(static_cast<double>(n))); }

}  // namespace

std::string_view CollectiveOpName(CollectiveOp op) {
  for (const auto& [k, name] : kOps) {
    if (k == op) return name;
  }
  return "?";
}

std::optional<CollectiveOp> ParseCollectiveOp(std::string_view name) {
  for (const auto& [k, n] : kOps) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view AlgorithmName(Algorithm a) {
  for (const auto& [k, name] : kAlgorithms) {
    if (k == a) return name;
  }
  return "?";
}

std::optional<Algorithm> ParseAlgorithm(std::string_view name) {
  for (const auto& [k, n] : kAlgorithms) {
    if (n == name) return k;
  }
  return std::nullopt;
}

double BusBandwidthFactor(CollectiveOp op, int ranks) {
  const double n = ranks;
  switch (op) {
    case CollectiveOp::kAllReduce: return 2.0 * (n - 1) / n;
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather:
    case CollectiveOp::kAllToAll: return (n - 1) / n;
    case CollectiveOp::kBroadcast:
    case CollectiveOp::kPointToPoint: return 1.0;
  }
  return 1.0;
}

Seconds FlatCollectiveTime(CollectiveOp op, Algorithm algo, Bytes size, const LinkLevel& level) {
  const int n = level.ranks;
  if (n <= 1 || size.value() <= 0) return Seconds(0);
  FLEETSIM_CHECK(level.bandwidth.value() > 0);
  const double nd = n;
  const Seconds alpha = level.latency;
  const Seconds full = size / level.bandwidth;  // time to move the whole buffer once

  if (op == CollectiveOp::kPointToPoint) return alpha + full;
  if (op == CollectiveOp::kAllToAll) {
    // Every rank sends (n-1)/n of its buffer, to n-1 peers at once (direct) or over log2 n rounds.
    const double rounds = algo == Algorithm::kHalvingDoubling ? Log2Ceil(n) : nd - 1;
    return alpha * rounds + full * ((nd - 1) / nd);
  }

  switch (algo) {
    case Algorithm::kNvls:
      // In-switch reduction: each rank sends its buffer once and receives the result once.
      if (op == CollectiveOp::kAllReduce) return alpha * 2.0 + full;
      return alpha + full * ((nd - 1) / nd);
    case Algorithm::kTree: {
      // Double binary tree: pipelined reduce up and broadcast down; the two trees each carry half the data.
      const double depth = Log2Ceil(n);
      if (op == CollectiveOp::kAllReduce) return alpha * (2.0 * depth) + full;
      if (op == CollectiveOp::kBroadcast) return alpha * depth + full;
      break;  // all-gather / reduce-scatter fall back to the ring
    }
    case Algorithm::kHalvingDoubling: {
      const double rounds = Log2Ceil(n);
      if (op == CollectiveOp::kAllReduce) return alpha * (2.0 * rounds) + full * (2.0 * (nd - 1) / nd);
      if (op == CollectiveOp::kBroadcast) return alpha * (2.0 * rounds) + full * (2.0 * (nd - 1) / nd);
      return alpha * rounds + full * ((nd - 1) / nd);
    }
    case Algorithm::kDirect:
      if (op == CollectiveOp::kAllReduce) return alpha * 2.0 + full * (2.0 * (nd - 1) / nd);
      if (op == CollectiveOp::kBroadcast) return alpha + full;
      return alpha + full * ((nd - 1) / nd);
    default: break;
  }
  // Ring: n-1 steps per phase, each moving 1/n of the buffer on every link.
  switch (op) {
    case CollectiveOp::kAllReduce: return (alpha + full / nd) * (2.0 * (nd - 1));
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather: return (alpha + full / nd) * (nd - 1);
    case CollectiveOp::kBroadcast: return alpha * (nd - 1) + full;  // pipelined chain
    default: break;
  }
  return full;
}

Seconds HierarchicalCollectiveTime(CollectiveOp op, Bytes size, const std::vector<LinkLevel>& levels,
                                   Algorithm inner_algo) {
  // Drop trivial levels.
  std::vector<LinkLevel> active;
  for (const LinkLevel& l : levels) {
    if (l.ranks > 1) active.push_back(l);
  }
  if (active.empty() || size.value() <= 0) return Seconds(0);
  if (active.size() == 1) return FlatCollectiveTime(op, inner_algo, size, active.front());

  const LinkLevel& inner = active.front();
  const std::vector<LinkLevel> outer(active.begin() + 1, active.end());
  const Bytes shard = size / static_cast<double>(inner.ranks);
  const Algorithm inner_phase = inner_algo == Algorithm::kNvls ? Algorithm::kNvls : Algorithm::kRing;
  switch (op) {
    case CollectiveOp::kAllReduce:
      return FlatCollectiveTime(CollectiveOp::kReduceScatter, inner_phase, size, inner) +
             HierarchicalCollectiveTime(CollectiveOp::kAllReduce, shard, outer) +
             FlatCollectiveTime(CollectiveOp::kAllGather, inner_phase, size, inner);
    case CollectiveOp::kReduceScatter:
      // Reduce-scatter inside (full buffer), then across the outer levels on the inner shard.
      return HierarchicalCollectiveTime(CollectiveOp::kReduceScatter, shard, outer) +
             FlatCollectiveTime(CollectiveOp::kReduceScatter, inner_phase, size, inner);
    case CollectiveOp::kAllGather:
      return FlatCollectiveTime(CollectiveOp::kAllGather, inner_phase, size, inner) +
             HierarchicalCollectiveTime(CollectiveOp::kAllGather, shard, outer);
    default: {
      // All-to-all, broadcast, point-to-point: bounded by the slowest level carrying the whole buffer.
      Seconds worst(0);
      for (const LinkLevel& l : active) worst = std::max(worst, FlatCollectiveTime(op, Algorithm::kDirect, size, l));
      return worst;
    }
  }
}

}  // namespace fleetsim
