#include "fleetsim/collective/collective.h"

#include <algorithm>
#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

constexpr std::pair<CollectiveOp, std::string_view> kOps[] = {
    {CollectiveOp::kAllReduce, "all-reduce"}, {CollectiveOp::kReduceScatter, "reduce-scatter"},
    {CollectiveOp::kAllGather, "all-gather"}, {CollectiveOp::kAllToAll, "all-to-all"},
    {CollectiveOp::kBroadcast, "broadcast"},  {CollectiveOp::kPointToPoint, "point-to-point"}};
constexpr std::pair<Algorithm, std::string_view> kAlgorithms[] = {
    {Algorithm::kRing, "ring"},
    {Algorithm::kTree, "tree"},
    {Algorithm::kHalvingDoubling, "halving-doubling"},
    {Algorithm::kDirect, "direct"},
    {Algorithm::kHierarchical, "hierarchical"},
    {Algorithm::kTorus, "torus"},
    {Algorithm::kNvls, "nvls"},
    {Algorithm::kSharp, "sharp"},
    {Algorithm::kAuto, "auto"}};

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
    case CollectiveOp::kAllReduce:
      return 2.0 * (n - 1) / n;
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather:
    case CollectiveOp::kAllToAll:
      return (n - 1) / n;
    case CollectiveOp::kBroadcast:
    case CollectiveOp::kPointToPoint:
      return 1.0;
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
    case Algorithm::kNvls: {
      // In-switch reduction: each rank sends its buffer once and receives the result once, at the NVLS rate.
      const Seconds nvls = full / kNvlsBandwidthFactor;
      if (op == CollectiveOp::kAllReduce) return alpha * 2.0 + nvls;
      if (op == CollectiveOp::kAllGather || op == CollectiveOp::kReduceScatter) {
        return alpha + nvls * ((nd - 1) / nd);
      }
      break;  // broadcast falls back to the ring
    }
    case Algorithm::kSharp: {
      // In-network reduction: each rank sends its buffer up the switch tree once and receives the result once;
      // one latency up the tree and one down.
      if (op == CollectiveOp::kAllReduce) return alpha * 2.0 + full / kSharpBandwidthFactor;
      break;  // other operations fall back to the ring
    }
    case Algorithm::kTree: {
      // Double binary tree: pipelined reduce up and broadcast down at once; the two trees each carry half the
      // data, and the busiest rank moves TreeLoadFactor buffers each way.
      const double depth = Log2Ceil(n);
      if (op == CollectiveOp::kAllReduce) return alpha * (2.0 * depth) + full * TreeLoadFactor(op, n);
      if (op == CollectiveOp::kBroadcast) return alpha * depth + full * TreeLoadFactor(op, n);
      break;  // all-gather / reduce-scatter fall back to the ring
    }
    case Algorithm::kHalvingDoubling: {
      const double rounds = Log2Ceil(n);
      if (op == CollectiveOp::kAllReduce) return alpha * (2.0 * rounds) + full * (2.0 * (nd - 1) / nd);
      if (op == CollectiveOp::kBroadcast) return alpha * (2.0 * rounds) + full * (2.0 * (nd - 1) / nd);
      return alpha * rounds + full * ((nd - 1) / nd);
    }
    case Algorithm::kDirect:
      // All-reduce and broadcast: scatter (or reduce-scatter) to every peer, then all-gather from every peer.
      if (op == CollectiveOp::kAllReduce || op == CollectiveOp::kBroadcast) {
        return alpha * 2.0 + full * (2.0 * (nd - 1) / nd);
      }
      return alpha + full * ((nd - 1) / nd);
    default:
      break;
  }
  // Ring: n-1 steps per phase, each moving 1/n of the buffer on every link.
  switch (op) {
    case CollectiveOp::kAllReduce:
      return (alpha + full / nd) * (2.0 * (nd - 1));
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather:
      return (alpha + full / nd) * (nd - 1);
    case CollectiveOp::kBroadcast:
      return alpha * (nd - 1) + full;  // pipelined chain
    default:
      break;
  }
  return full;
}

std::vector<int> TreeParents(int ranks, int tree) {
  std::vector<int> parent(static_cast<size_t>(std::max(ranks, 0)), -1);
  // Position p of tree 1 holds rank 0 for p = 0, else rank n - p.
  const auto rank_at = [&](int p) { return tree == 0 || p == 0 ? p : ranks - p; };
  for (int p = 1; p < ranks; ++p) parent[static_cast<size_t>(rank_at(p))] = rank_at((p - 1) / 2);
  return parent;
}

double TreeLoadFactor(CollectiveOp op, int ranks) {
  if (ranks <= 1) return 0;
  std::vector<double> tx(static_cast<size_t>(ranks), 0), rx(static_cast<size_t>(ranks), 0);
  for (int t = 0; t < 2; ++t) {
    const std::vector<int> parent = TreeParents(ranks, t);
    for (int r = 0; r < ranks; ++r) {
      const int p = parent[static_cast<size_t>(r)];
      if (p < 0) continue;
      // Down: parent -> child, half the buffer; all-reduce also sends it up: child -> parent.
      tx[static_cast<size_t>(p)] += 0.5;
      rx[static_cast<size_t>(r)] += 0.5;
      if (op == CollectiveOp::kAllReduce) {
        tx[static_cast<size_t>(r)] += 0.5;
        rx[static_cast<size_t>(p)] += 0.5;
      }
    }
  }
  double worst = 0;
  for (int r = 0; r < ranks; ++r)
    worst = std::max({worst, tx[static_cast<size_t>(r)], rx[static_cast<size_t>(r)]});
  return worst;
}

Seconds TorusCollectiveTime(CollectiveOp op, Bytes size, const std::vector<int>& shape, Bandwidth bandwidth,
                            Seconds latency) {
  std::vector<int> dims;
  for (int k : shape) {
    if (k > 1) dims.push_back(k);
  }
  if (dims.empty() || size.value() <= 0) return Seconds(0);
  FLEETSIM_CHECK(bandwidth.value() > 0);
  const bool reduce_scatter = op == CollectiveOp::kAllReduce || op == CollectiveOp::kReduceScatter;
  const bool all_gather = op == CollectiveOp::kAllReduce || op == CollectiveOp::kAllGather;
  if (!reduce_scatter && !all_gather) {
    int n = 1;
    for (int k : dims) n *= k;
    return FlatCollectiveTime(op, Algorithm::kRing, size, LinkLevel{n, bandwidth * 2.0, latency});
  }
  // Each part (one per dimension) is independent and uses other links at every position, so the slowest part
  // sets the time: per position q on dimension k, k-1 steps, each moving data/(2k) each way around the ring.
  Seconds worst(0);
  const double parts = static_cast<double>(dims.size());
  for (size_t p = 0; p < dims.size(); ++p) {
    Seconds t(0);
    double data = size.value() / parts;
    for (size_t q = 0; q < dims.size(); ++q) {
      const double k = dims[(p + q) % dims.size()];
      const Seconds step = latency + Bytes(data / (2.0 * k)) / bandwidth;
      t += step * (k - 1) * ((reduce_scatter ? 1.0 : 0.0) + (all_gather ? 1.0 : 0.0));
      data /= k;
    }
    worst = std::max(worst, t);
  }
  return worst;
}

Seconds HierarchicalCollectiveTime(CollectiveOp op, Bytes size, const std::vector<LinkLevel>& levels,
                                   Algorithm inner_algo, Algorithm outer_algo) {
  // Drop trivial levels.
  std::vector<LinkLevel> active;
  for (const LinkLevel& l : levels) {
    if (l.ranks > 1) active.push_back(l);
  }
  if (active.empty() || size.value() <= 0) return Seconds(0);
  if (active.size() == 1) return FlatCollectiveTime(op, inner_algo, size, active.front());
  if (op == CollectiveOp::kAllReduce && outer_algo == Algorithm::kSharp && active.size() == 2) {
    const LinkLevel& in = active.front();
    const Algorithm phase = inner_algo == Algorithm::kNvls ? Algorithm::kNvls : Algorithm::kRing;
    return FlatCollectiveTime(CollectiveOp::kReduceScatter, phase, size, in) +
           FlatCollectiveTime(CollectiveOp::kAllReduce, Algorithm::kSharp, size / static_cast<double>(in.ranks),
                              active.back()) +
           FlatCollectiveTime(CollectiveOp::kAllGather, phase, size, in);
  }

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
      for (const LinkLevel& l : active)
        worst = std::max(worst, FlatCollectiveTime(op, Algorithm::kDirect, size, l));
      return worst;
    }
  }
}

}  // namespace fleetsim
