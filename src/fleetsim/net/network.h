// Network: a cluster's accelerators placed on a Topology, with the routing that its builders know. Built from a
// ClusterSpec: scale-up domains (an NVSwitch crossbar per node, or a torus per node), joined by the fabric (a
// rail-optimized or ToR multi-tier Clos with per-tier oversubscription, a flat datacenter network, or one torus
// slice composed of cubes through optical circuit switches), and sites joined by long-haul WAN links.
// Accelerator i is vertex i. Owns its topology; failures are applied through FailConnection() and reroute.
// Builders in network.cc, routing in routing.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/net/topology.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

struct NetworkOptions {
  // Torus-of-cubes fabrics: physical cubes (0-based, in the pod of max_slice chips) the OCS must skip.
  std::vector<int> failed_cubes;
  // When set, the WAN latency follows the fibre distance (5 us per km) instead of cluster.wan.latency.
  std::optional<double> wan_distance_km;
  uint64_t ecmp_seed = 0x5eed;
};

// A routed path: link ids in order and the sum of their latencies.
struct Path {
  std::vector<int32_t> links;
  double latency = 0;
};

class Network {
 public:
  // The most accelerators Build() accepts: beyond this the topology and the flows of one collective outgrow a
  // command's time and memory (about 200 bytes of topology per accelerator before any flow).
  static constexpr int64_t kMaxAccelerators = 262144;

  // Validates the cluster against what the topology can hold (InputError otherwise) and builds it.
  static Network Build(const ClusterSpec& cluster, const NetworkOptions& options = {});
  // The checks of Build() that need only counts (fabric radix, tiers and pods against the fleet), without building
  // or allocating anything: cheap enough for a scenario parser. InputError when the fabric cannot hold the fleet.
  static void CheckFits(const ClusterSpec& cluster);

  const Topology& topology() const { return topo_; }
  const ClusterSpec& cluster() const { return cluster_; }
  // Accelerators built: whole domains, so at least cluster().count.
  int64_t accelerators() const { return accelerators_; }
  // Accelerators per unit of the scale-up level (a node's domain; the whole slice for an OCS torus).
  int64_t domain_size() const { return domain_size_; }
  int64_t DomainOf(int64_t acc) const { return acc / domain_size_; }
  int64_t LocalIndex(int64_t acc) const { return acc % domain_size_; }
  int SiteOf(int64_t acc) const { return static_cast<int>(DomainOf(acc) / domains_per_site_); }
  int sites() const { return sites_; }

  bool switch_domain() const { return switch_domain_; }
  bool in_network_reduction() const { return switch_domain_ && cluster_.node.domain.in_network_reduction; }
  // The scale-out fabric reduces in its switches (InfiniBand SHARP): a Clos inside one site.
  bool fabric_reduction() const {
    return rails_ > 0 && tiers_ >= 1 && sites_ == 1 && cluster_.fabric.in_network_reduction;
  }
  // Torus shape of each domain (the slice for an OCS torus); empty for switch domains.
  const std::vector<int>& torus_shape() const { return torus_shape_; }
  bool torus_wraps() const { return torus_wrap_; }
  bool torus_twisted() const { return torus_twisted_; }
  // Index distance between neighbours along each torus dimension inside a domain (row-major over torus_shape()).
  const std::vector<int64_t>& torus_strides() const { return torus_strides_; }
  // Physical cubes the OCS slice uses, in slice order (torus-of-cubes fabrics only).
  const std::vector<int>& slice_cubes() const { return slice_cubes_; }
  // Rails (scale-out ports) per domain; 0 when the job has no scale-out fabric (one torus slice).
  int rails() const { return rails_; }

  // Path from one accelerator to another; `flow` seeds the ECMP choice. Reroutes around failed links.
  Path Route(int64_t src, int64_t dst, uint64_t flow) const;
  // The same into `links` (cleared first; its capacity is reused, so routing many flows allocates nothing);
  // returns the path latency in seconds.
  double RouteInto(int64_t src, int64_t dst, uint64_t flow, std::vector<int32_t>& links) const;
  // Paths between an accelerator and its domain's switch (for in-switch reduction, NVLS).
  Path RouteToSwitch(int64_t acc) const;
  Path RouteFromSwitch(int64_t acc) const;
  // The in-network reduction tree over `members` (accelerators of distinct domains on one rail): every member's
  // port to its leaf, and when the members span leaves, every leaf to the spine of one plane (chosen by `hash`),
  // and when they span pods, every pod's spine to the core. `up` gets the paths towards the root, `down` the
  // same edges back; `depth` the tree's levels of switches. Requires fabric_reduction().
  void ReductionTree(const std::vector<int64_t>& members, uint64_t hash, std::vector<Path>& up,
                     std::vector<Path>& down, int& depth) const;
  // Neighbour of `acc` one step along torus dimension `dim` (dir +1 or -1), within its torus.
  int64_t TorusNeighbor(int64_t acc, int dim, int dir) const;

  // Fails (or restores) both directions between two vertices; true when a link was found.
  bool FailConnection(int32_t a, int32_t b, bool failed = true);
  // Fails (or restores) a switch: every link into and out of it. False when `vertex` is not a switch.
  bool FailSwitch(int32_t vertex, bool failed = true);
  bool HasFailures() const { return topo_.HasFailures(); }

  // One-way latency and per-accelerator bandwidth of the two levels, as the closed forms see them.
  Seconds DomainLatency() const { return cluster_.node.domain.latency; }
  Bandwidth DomainBandwidth() const;
  Seconds FabricLatency() const;      // NIC to NIC through every tier up and down (leaf, spine, leaf for 2)
  Bandwidth FabricBandwidth() const;  // per accelerator
  // One site pair's long-haul link: its capacity per direction and its latency (from the distance when given).
  Bandwidth WanBandwidth() const { return cluster_.wan.bandwidth; }
  Seconds WanLatency() const;

 private:
  void BuildDomains();
  void BuildTorusSlice();
  void BuildFabric();
  double FabricRoute(int64_t src, int64_t dst, uint64_t flow, std::vector<int32_t>& links) const;
  double TorusRoute(int64_t src, int64_t dst, std::vector<int32_t>& links) const;
  double TwistedRoute(int64_t src, int64_t dst, std::vector<int32_t>& links) const;
  void CheckTwistable() const;
  static int TieDirection(int64_t src, int64_t dst, size_t dim);
  // Reroutes `links` around failed links (fewest hops over live ones) when needed; returns its latency.
  double Finish(std::vector<int32_t>& links, int64_t src, int64_t dst, uint64_t flow) const;

  ClusterSpec cluster_;
  NetworkOptions options_;
  Topology topo_;
  int64_t accelerators_ = 0;
  int64_t domains_ = 0;
  int64_t domain_size_ = 1;
  int64_t domains_per_site_ = 1;
  int sites_ = 1;
  bool switch_domain_ = true;
  std::vector<int> torus_shape_;
  bool torus_wrap_ = true;
  bool torus_twisted_ = false;
  std::vector<int64_t> torus_strides_;
  int torus_short_ = 0;  // twisted: the short extent k
  std::vector<int> slice_cubes_;

  // Scale-up level.
  std::vector<int32_t> domain_switch_;             // per domain (switch domains)
  std::vector<int32_t> to_switch_, from_switch_;   // per accelerator
  std::vector<int32_t> torus_plus_, torus_minus_;  // per accelerator x dimension; -1 where no link

  // Scale-out level (Clos / DCN).
  int rails_ = 0;
  int tiers_ = 0;
  int planes_ = 1;  // leaf uplinks = spine planes (ECMP width)
  int64_t accs_per_port_ = 1;
  std::vector<int32_t> port_vertex_;              // per port
  std::vector<int32_t> port_up_, port_down_;      // per port
  std::vector<int32_t> acc_to_nic_, nic_to_acc_;  // per accelerator, when NICs are shared (-1 otherwise)
  std::vector<int32_t> leaf_of_port_;
  std::vector<int32_t> pod_of_leaf_;
  std::vector<int32_t> leaf_up_, leaf_down_;    // per leaf x plane
  std::vector<int32_t> spine_up_, spine_down_;  // per pod x plane (tiers == 3)
  std::vector<int32_t> top_to_gw_, gw_to_top_;  // per site x plane
  std::vector<int32_t> wan_;                    // per site x site
  Bandwidth port_bandwidth_;
};

// A cluster of `count` accelerators on catalog node `node` and fabric `fabric` (empty: the node's default fabric).
ClusterSpec MakeClusterSpec(const std::string& node, const std::string& fabric, int64_t count,
                            const Catalog& catalog = Catalog::BuiltIn());

}  // namespace fleetsim
