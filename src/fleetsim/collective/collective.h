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
enum class Algorithm { kRing, kTree, kHalvingDoubling, kDirect, kHierarchical, kTorus, kNvls, kAuto };

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

// Time of one collective on a flat level with a flat algorithm (ring, tree, halving-doubling, direct, nvls).
// One rank, or zero bytes, costs nothing.
Seconds FlatCollectiveTime(CollectiveOp op, Algorithm algo, Bytes size, const LinkLevel& level);

// Time of a hierarchical collective over levels ordered inner to outer (e.g. NVLink domain, then scale-out):
// reduce-scatter inward, the operation on the shard across the outer levels, all-gather back; all-gather and
// reduce-scatter likewise compose. `inner_algo` is the algorithm inside each level (ring or nvls).
Seconds HierarchicalCollectiveTime(CollectiveOp op, Bytes size, const std::vector<LinkLevel>& levels,
                                   Algorithm inner_algo = Algorithm::kRing);

// nccl-tests bus-bandwidth factor: busbw = algbw x factor (all-reduce 2(n-1)/n; all-gather, reduce-scatter and
// all-to-all (n-1)/n; broadcast and point-to-point 1).
double BusBandwidthFactor(CollectiveOp op, int ranks);

}  // namespace fleetsim
