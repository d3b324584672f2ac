// Collective operations and algorithms, and the closed-form (alpha-beta) cost of running one on a level of the
// network. These closed forms are the analytical estimator's model of communication; the flow-level simulator
// runs the same algorithms as flows and must agree with them on an uncontended topology.
//
// Sizes follow nccl-tests: for all-reduce, broadcast and point-to-point `size` is the buffer per rank; for
// all-gather and reduce-scatter it is the gathered (full) buffer; for all-to-all, the bytes each rank sends in all
// (including the share it keeps).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

enum class CollectiveOp { kAllReduce, kReduceScatter, kAllGather, kAllToAll, kBroadcast, kPointToPoint };
enum class Algorithm { kRing, kTree, kHalvingDoubling, kDirect, kHierarchical, kTorus, kNvls, kSharp, kAuto };

std::string_view CollectiveOpName(CollectiveOp op);
std::optional<CollectiveOp> ParseCollectiveOp(std::string_view name);
std::string_view AlgorithmName(Algorithm a);
std::optional<Algorithm> ParseAlgorithm(std::string_view name);

// One flat level of the network as the closed forms see it: `ranks` peers, each able to send and receive
// `bandwidth` at once (already scaled by the achievable protocol efficiency), `latency` per algorithm step.
struct LinkLevel {
  int ranks = 1;
  Bandwidth bandwidth;
  Seconds latency;
};

// Time of one collective on a flat level with a flat algorithm (ring, tree, halving-doubling, direct, nvls,
// sharp). One rank, or zero bytes, costs nothing.
Seconds FlatCollectiveTime(CollectiveOp op, Algorithm algo, Bytes size, const LinkLevel& level);

// Time of a hierarchical collective over levels ordered inner to outer (e.g. NVLink domain, then scale-out):
// reduce-scatter inward, the operation on the shard across the outer levels, all-gather back; all-gather and
// reduce-scatter likewise compose. `inner_algo` is the algorithm inside the innermost level (ring or nvls),
// `outer_algo` the all-reduce across the outer levels (ring, or sharp: in-network reduction in the fabric).
Seconds HierarchicalCollectiveTime(CollectiveOp op, Bytes size, const std::vector<LinkLevel>& levels,
                                   Algorithm inner_algo = Algorithm::kRing,
                                   Algorithm outer_algo = Algorithm::kRing);

// In-switch reduction (NVLS) reaches this fraction of the domain's achievable per-device bandwidth. Calibrated on
// validation/collectives.csv h100-8-nvls: algorithm bandwidth about 275 GB/s against 450 x 0.82 = 369 GB/s.
inline constexpr double kNvlsBandwidthFactor = 0.745;
// In-network reduction in the scale-out fabric (InfiniBand SHARP) streams each shard up the switch tree and the
// result down at this fraction of the port's achievable bandwidth. Not calibrated (no published nccl-tests
// figure for CollNet/SHARP at hand): the physical bound, each byte crossing each tree link once each way.
inline constexpr double kSharpBandwidthFactor = 1.0;

// The double binary tree used by the tree algorithm (NCCL-style): tree 0 is a heap over positions 0..n-1, tree 1
// the same heap over the order [0, n-1, n-2, ..., 1], so a rank is an inner node of at most one tree besides the
// root. Returns each rank's parent in the tree (-1 for the root).
std::vector<int> TreeParents(int ranks, int tree);
// Busiest rank's traffic through the double binary tree, in units of the buffer (per direction): all-reduce
// pushes half the buffer through each tree up and down at once; broadcast only down.
double TreeLoadFactor(CollectiveOp op, int ranks);

// Dimension-by-dimension bidirectional-ring collective on a whole torus of `shape` (every link `bandwidth` per
// direction, `latency` per hop): the buffer is split into one part per dimension, each part runs the dimensions in
// a rotated order, so all links are busy at once. All-reduce, reduce-scatter, all-gather; other ops use the ring.
Seconds TorusCollectiveTime(CollectiveOp op, Bytes size, const std::vector<int>& shape, Bandwidth bandwidth,
                            Seconds latency);

// nccl-tests bus-bandwidth factor: busbw = algbw x factor (all-reduce 2(n-1)/n; all-gather, reduce-scatter and
// all-to-all (n-1)/n; broadcast and point-to-point 1).
double BusBandwidthFactor(CollectiveOp op, int ranks);

}  // namespace fleetsim
