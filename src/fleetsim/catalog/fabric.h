// FabricSpec: the scale-out network between scale-up domains: a (rail-optimized) multi-tier Clos with per-tier
// oversubscription, a torus of cubes joined by optical circuit switches, or a datacenter network between pods.
// Loaded from data/fabrics.yaml; scenarios may override any field (`cluster.fabric: {preset: ..., ...}`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

class YamlMap;

enum class FabricKind { kClos, kTorus, kDcn };

struct OcsSpec {
  int ports = 0;
  int count = 0;
  Seconds reconfigure_time;
  Watts power_per_port;
};

struct FabricSpec {
  std::string id;
  std::string name;
  FabricKind kind = FabricKind::kClos;
  Bandwidth link_bandwidth;           // per port (NIC or torus link) per direction
  double nics_per_accelerator = 1.0;  // may be fractional (one host NIC shared by several chips)
  bool rail_optimized = true;
  int tiers = 2;
  int radix = 64;
  int64_t pod_size = 0;                  // accelerators under full bisection; 0 = the whole fabric
  std::vector<double> oversubscription;  // per tier, downlink:uplink (1 = full bisection)
  Seconds latency = Seconds(1e-6);       // per switch hop, one way
  Seconds nic_latency = Seconds(2e-6);   // endpoint NIC and software, one way
  // Achievable fraction of link_bandwidth for bulk collective traffic. Default from validation/collectives.csv:
  // 46-48 GB/s bus bandwidth per 400 Gb/s NIC.
  double efficiency = 0.94;
  Watts switch_power;
  Watts optics_power;
  std::optional<Usd> switch_price;
  // Torus fabrics.
  int links_per_accelerator = 0;
  std::vector<int> cube;
  int64_t max_slice = 0;
  bool wraparound = true;  // torus rings close
  bool twisted = false;    // torus: slices are twisted tori (needs a k x k x 2k or k x 2k x 2k slice)
  // Clos: the switches reduce in the network (InfiniBand SHARP), so an all-reduce across nodes can stream each
  // shard up a tree of switches and the result back down once, instead of 2(n-1)/n times round a ring.
  bool in_network_reduction = false;
  std::string dcn_fabric;  // torus: the fabric that joins slices when a job outgrows max_slice
  std::optional<OcsSpec> ocs;
  std::map<std::string, std::string> sources;

  // Per-accelerator injection bandwidth per direction.
  Bandwidth AcceleratorBandwidth() const { return link_bandwidth * nics_per_accelerator; }
  // Oversubscription of traffic that leaves a full-bisection pod (product over the tiers above it; 1 if none).
  double CrossPodOversubscription() const;
};

void ParseFabric(YamlMap& map, FabricSpec& fabric);

std::string_view FabricKindName(FabricKind k);

}  // namespace fleetsim
