// Schedule: a collective algorithm unrolled into phases of concurrent transfers, the form the flow model runs.
// A phase repeats `repeat` times with the same traffic (every step of a ring), so it is solved once and reused.
// Where the topology makes ranks interchangeable (a crossbar or a whole torus without failures, identical
// domains), a phase lists only one representative's transfers, which see exactly the contention every rank sees;
// failures expand every rank. Schedules are plain values; building one never touches the network's state.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fleetsim/collective/collective.h"
#include "fleetsim/net/network.h"

namespace fleetsim {

// kPeer: routed from src to dst; kToSwitch/kFromSwitch: between an accelerator and its domain's switch; kPath:
// along the phase's explicit path number `src` (an edge of an in-network reduction tree).
enum class TransferKind : uint8_t { kPeer, kToSwitch, kFromSwitch, kPath };

struct Transfer {
  int64_t src = 0;  // accelerator ids; for kToSwitch/kFromSwitch the accelerator is src resp. dst
  int64_t dst = 0;
  double bytes = 0;
  double cap = std::numeric_limits<double>::infinity();  // bytes/s injection cap
  uint32_t channel = 0;                                  // seeds the ECMP hash together with the ends
  uint16_t job = 0;
  TransferKind kind = TransferKind::kPeer;
};

struct Phase {
  std::vector<Transfer> transfers;
  std::vector<Path> paths;  // for kPath transfers
  int64_t repeat = 1;
  int latency_steps = 1;  // message latencies in sequence within the phase (pipelined tree depth)
};

struct Schedule {
  Algorithm algorithm = Algorithm::kRing;  // the algorithm actually used after fallbacks
  // What ran, in words for reports: the algorithm's name, or after a fallback what ran instead and why (e.g.
  // "ring (tree unavailable: tree runs all-reduce and broadcast only)"); nvls across several nodes reads
  // "hierarchical (nvls inside nodes, ...)".
  std::string label;
  std::vector<Phase> phases;
  bool reduced = false;  // some phase lists representatives only
  std::string note;      // how the algorithm was laid out, when that matters to its time (for the label)
};

// Unrolls one collective on `group` (accelerator ids, distinct). `algo` must not be kAuto. Algorithms that do not
// apply fall back: tree/nvls for other ops and halving-doubling for non-powers of two to the ring, torus off a
// whole torus to the ring, sharp (all-reduce only, on a fabric that reduces in its switches, without
// failed links, with a group that fills domains evenly) to hierarchical, hierarchical on a group that does not
// fill domains evenly to the ring. InputError for a group that is empty, has duplicates or does not fit the
// network, or that needs too many flows.
Schedule BuildSchedule(const Network& net, CollectiveOp op, Algorithm algo, Bytes size,
                       const std::vector<int64_t>& group);

// Runs several phase sequences at once: each merged phase unites the current phase of every sequence, repeated
// as long as none of them changes.
std::vector<Phase> MergeConcurrent(const std::vector<std::vector<Phase>>& sequences);

}  // namespace fleetsim
