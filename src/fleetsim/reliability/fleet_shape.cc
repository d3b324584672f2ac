#include "fleetsim/reliability/fleet_shape.h"

#include <algorithm>
#include <cmath>

namespace fleetsim {

int64_t FleetShape::Units(FailureUnit unit) const {
  switch (unit) {
    case FailureUnit::kAccelerator:
      return accelerators;
    case FailureUnit::kHost:
      return hosts;
    case FailureUnit::kLink:
      return links;
    case FailureUnit::kSwitch:
      return switches;
    case FailureUnit::kWanLink:
      return wan_links;
    case FailureUnit::kJob:
      return 1;
  }
  return 0;
}

int64_t FleetShape::NodesLost(BlastRadius blast) const {
  switch (blast) {
    case BlastRadius::kNone:
      return 0;
    case BlastRadius::kNode:
      return 1;
    case BlastRadius::kLeaf:
      return std::min(nodes, nodes_per_leaf);
    case BlastRadius::kSite:
      return std::min(nodes, nodes_per_site);
  }
  return 0;
}

int64_t FleetShape::ReplicasLost(int64_t lost_nodes) const {
  const int64_t per_node = std::max<int64_t>(1, node_size / replica_size);
  return std::min(Replicas(), lost_nodes * per_node);
}

FleetShape FleetShape::FromCluster(const ClusterSpec& c, int64_t replica_size) {
  FleetShape f;
  f.accelerators = c.count;
  f.node_size = std::min<int64_t>(c.count, c.node.size);
  f.nodes = c.Nodes();
  const int64_t per_host = std::max(1, c.node.host.accelerators_per_host);
  f.hosts = (c.count + per_host - 1) / per_host;
  f.links = std::max<int64_t>(
      1, static_cast<int64_t>(std::llround(static_cast<double>(c.count) * c.fabric.nics_per_accelerator)));
  // A leaf switch gives half its ports to endpoints. Rail-optimized, each of those ports reaches a different node;
  // otherwise a node's ports all land on the same leaf.
  const int64_t down_ports = std::max(1, c.fabric.radix / 2);
  f.switches = std::max<int64_t>(1, (f.links + down_ports - 1) / down_ports);
  const int64_t links_per_node = std::max<int64_t>(1, f.links / std::max<int64_t>(1, f.nodes));
  f.nodes_per_leaf = c.fabric.rail_optimized ? down_ports : std::max<int64_t>(1, down_ports / links_per_node);
  f.nodes_per_leaf = std::min(f.nodes_per_leaf, f.nodes);
  f.wan_links = static_cast<int64_t>(c.datacenters) * (c.datacenters - 1) / 2;
  f.nodes_per_site = f.nodes / c.datacenters;
  f.replica_size = replica_size > 0 ? replica_size : f.node_size;
  return f;
}

}  // namespace fleetsim
