// Collectives simulated as flows: a Schedule (schedule.h) run phase by phase on a Network with the max-min fair
// flow model. A phase lasts until its last transfer lands (bytes at the shared rates, plus path latency, plus the
// algorithm's further message latencies); repeated phases are solved once. Several collectives may run at once
// (jobs sharing a fabric) and slow each other where their flows share links.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/collective/collective.h"
#include "fleetsim/collective/schedule.h"
#include "fleetsim/net/network.h"

namespace fleetsim {

struct CollectiveRequest {
  CollectiveOp op = CollectiveOp::kAllReduce;
  Algorithm algorithm = Algorithm::kAuto;
  Bytes size;
  std::vector<int64_t> group;  // accelerator ids; empty: the first cluster.count accelerators
};

struct CollectiveResult {
  Seconds time;
  Algorithm algorithm = Algorithm::kRing;  // the one used (auto's choice, or after a fallback)
  std::string label;                       // what ran, in words (Schedule::label)
  int64_t flows = 0;                       // flows solved by the model (after symmetry reduction)
  int64_t phases = 0;                      // distinct phases solved
  bool reduced = false;
  double AlgorithmBandwidth(Bytes size) const { return time.value() > 0 ? size.value() / time.value() : 0.0; }
};

// Ranks 0..n-1.
std::vector<int64_t> FirstRanks(int64_t n);

// One collective alone on the network. kAuto tries the algorithms that fit the group and keeps the fastest.
CollectiveResult SimulateCollective(const Network& net, const CollectiveRequest& request);

// Collectives that start together and share the network; one result per request (no kAuto).
std::vector<CollectiveResult> SimulateConcurrent(const Network& net,
                                                 const std::vector<CollectiveRequest>& requests);

// The closed form (collective.h) with this network's levels: the domain (switch or whole torus) for a group in one
// domain, domain then fabric for hierarchical; the analytical estimator's view of the same collective.
Seconds ClosedFormTime(const Network& net, const CollectiveRequest& request);

// Algorithms worth trying for a group on this network (what kAuto compares).
std::vector<Algorithm> CandidateAlgorithms(const Network& net, CollectiveOp op, const std::vector<int64_t>& group);

}  // namespace fleetsim
