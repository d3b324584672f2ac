// FleetShape: what a job's failures are counted over and what each failure takes down: the number of units of
// every FailureUnit kind, the scale-up domain that is replaced as a whole (a server, an NVL72 rack, a TPU cube),
// and how many domains a leaf switch or a site holds. Derived from a ClusterSpec; a plain value.
#pragma once

#include <cstdint>

#include "fleetsim/reliability/failure_catalog.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

struct FleetShape {
  int64_t accelerators = 0;
  int64_t hosts = 0;
  int64_t links = 0;      // scale-out ports (NICs) with their cables
  int64_t switches = 0;   // leaf switches
  int64_t wan_links = 0;  // site pairs
  int64_t node_size = 8;  // accelerators per scale-up domain, the unit replaced after a hardware failure
  int64_t nodes = 0;
  int64_t nodes_per_leaf = 1;
  int64_t nodes_per_site = 0;
  int64_t replica_size = 8;  // accelerators per data-parallel replica (elastic shrink drops whole replicas)

  // The units a failure class's rate counts.
  int64_t Units(FailureUnit unit) const;
  // Scale-up domains a failure takes out of the job.
  int64_t NodesLost(BlastRadius blast) const;
  int64_t Replicas() const { return accelerators / replica_size; }
  // Data-parallel replicas lost when `nodes` domains are gone (each node in a different replica, the worst case).
  int64_t ReplicasLost(int64_t nodes) const;

  // `replica_size` 0: one scale-up domain per replica.
  static FleetShape FromCluster(const ClusterSpec& cluster, int64_t replica_size = 0);
};

}  // namespace fleetsim
