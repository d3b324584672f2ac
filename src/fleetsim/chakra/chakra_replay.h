// ChakraReplay: the ranks' Chakra traces executed on the event engine, on a cluster of fleetsim's catalog (any
// node and fabric, whatever machine recorded them). Each rank runs three streams, one operation at a time in
// trace order among those whose dependencies are done: accelerator kernels and memory operations (their recorded
// time, or `num_ops` at the chip's matmul rate when none is recorded), host operations beside them, and
// communication. The k-th collective of every rank is one collective: it starts when the last rank reaches it and
// takes what the closed forms (collective/) give for the job's group on the cluster's links; a send meets the
// receive on its peer with the same tag. A job of more ranks than traces (`job_ranks`) replays the traces given
// as representatives of identical ranks: collectives are priced for the whole job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetsim/chakra/chakra_trace.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

struct RankReplay {
  std::string file;
  int64_t ops = 0;
  double end_s = 0;               // its last operation ended
  double compute_busy_s = 0;      // accelerator kernels and memory operations
  double host_busy_s = 0;         // host operations
  double comm_busy_s = 0;         // collectives and transfers, waiting for peers included
  double accelerator_idle_s = 0;  // from its first operation to its end, the accelerator stream idle
};

struct ChakraReplayResult {
  std::vector<RankReplay> ranks;
  double makespan_s = 0;
  int64_t job_ranks = 0;
  int64_t collectives = 0;   // per rank
  int64_t transfers = 0;     // sends and receives, all ranks
  int64_t missing_deps = 0;  // dependencies on ids no trace holds (a converter's filtered nodes): ignored
  int64_t forward_deps = 0;  // on the operation itself or on one listed after it: a cycle, ignored
  uint64_t events = 0;
};

ChakraReplayResult ReplayChakra(const std::vector<ChakraTrace>& traces, const ClusterSpec& cluster,
                                int64_t job_ranks = 0);

}  // namespace fleetsim
