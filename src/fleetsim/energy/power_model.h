// PowerModel: the electrical power of a job's hardware as a function of what the accelerators are doing, and the
// energy of a timeline. An accelerator draws idle + (TDP - idle) x activity, where activity is 1 while computing,
// `stall_activity` while waiting on communication or a pipeline bubble, and 0 when idle; hosts scale between
// `host_idle_fraction` and their load power; switches, optics and optical circuit switches draw a constant power;
// storage and management add a share. Facility power is IT power x PUE. An observer: it reads the cluster and
// the datacenter spec and never reaches into the executors. Immutable; cheap to copy.
#pragma once

#include <cstdint>

#include "fleetsim/core/units.h"
#include "fleetsim/energy/datacenter_spec.h"
#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

// IT power of a whole job, by component.
struct ItPower {
  Watts accelerators;
  Watts hosts;
  Watts network;  // switches, transceivers, optical circuit switches
  Watts other;    // storage, management and CPU nodes, front-end network
  Watts Total() const { return accelerators + hosts + network + other; }
};

// How long every accelerator of the job spends in each state (they run in lockstep).
struct Timeline {
  Seconds busy;     // computing
  Seconds stalled;  // waiting on exposed communication or a pipeline bubble
  Seconds idle;     // powered on, no work
  Seconds Total() const { return busy + stalled + idle; }
};

struct EnergyBreakdown {
  Joules accelerators;
  Joules hosts;
  Joules network;
  Joules other;
  Joules facility;  // IT energy x PUE
  Joules It() const { return accelerators + hosts + network + other; }
};

// What the scale-out fabric holds for this job (fractional: a job's share of shared switches).
struct NetworkInventory {
  int tiers = 0;              // switch tiers the job's endpoints need (Clos / DCN)
  double endpoints = 0.0;     // NIC ports (Clos / DCN) or OCS-attached links (torus)
  double switches = 0.0;      // packet switches, in units of a whole switch of `radix` ports
  double transceivers = 0.0;  // optical modules, two per optical link
  double ocs_ports = 0.0;     // optical circuit switch ports
  Watts switch_power;         // per switch
  Watts optics_power;         // per transceiver
};

class PowerModel {
 public:
  PowerModel(const ClusterSpec& cluster, const DatacenterSpec& datacenter);

  // IT power when a fraction `busy` of the time computes and `stalled` waits (busy + stalled <= 1; rest idle).
  ItPower It(double busy, double stalled) const;
  // Provisioned IT power: every accelerator at TDP, hosts at load.
  ItPower ItPeak() const { return It(1.0, 0.0); }
  Watts Facility(Watts it) const { return it * datacenter_.pue; }
  // Energy of a timeline, by component.
  EnergyBreakdown Energy(const Timeline& t) const;

  const NetworkInventory& network() const { return network_; }
  int64_t hosts() const { return hosts_; }
  int64_t count() const { return cluster_.count; }
  const ClusterSpec& cluster() const { return cluster_; }
  const DatacenterSpec& datacenter() const { return datacenter_; }

 private:
  ClusterSpec cluster_;
  DatacenterSpec datacenter_;
  int64_t hosts_ = 0;
  NetworkInventory network_;
  Watts network_power_;
};

// The fabric inventory a job of `count` accelerators needs (exposed for the cost model and tests).
NetworkInventory InventoryNetwork(const ClusterSpec& cluster, const DatacenterSpec& datacenter);

// Site limits: what the job needs against the per-site power cap.
struct SiteLimits {
  Watts facility_peak;             // the whole job at TDP, through PUE
  Watts facility_peak_per_site;    // divided over cluster.datacenters
  Watts facility_per_accelerator;  // peak facility power per accelerator (its share of hosts and network)
  std::optional<Watts> power_cap;  // per site
  std::optional<int64_t> max_accelerators_per_site;  // whole scale-up domains that fit under the cap
  int sites_needed = 1;                              // sites of power_cap to hold the job
  bool fits = true;                                  // every site of the job stays under its cap
};

SiteLimits EvaluateSiteLimits(const PowerModel& power);

}  // namespace fleetsim
