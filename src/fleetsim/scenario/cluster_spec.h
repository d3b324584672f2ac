// ClusterSpec: the hardware a scenario runs on, resolved against the catalog: the accelerator, how many, the
// scale-up node and scale-out fabric (catalog presets with the scenario's overrides applied), and the sites.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetsim/catalog/accelerator.h"
#include "fleetsim/catalog/fabric.h"
#include "fleetsim/catalog/node.h"

namespace fleetsim {

struct WanSpec {
  Bandwidth bandwidth = Bandwidth(12.8e12 / 8);  // per site pair, per direction
  Seconds latency = Seconds(1e-3);
};

struct ClusterSpec {
  Accelerator accelerator;
  int64_t count = 0;
  NodeSpec node;
  FabricSpec fabric;
  int datacenters = 1;
  WanSpec wan;
  // Torus fabrics: the network joining slices when the job is larger than fabric.max_slice (else unset).
  std::optional<FabricSpec> dcn;

  // Scale-up domains the job touches; the last may be partly used (e.g. 64 of an NVL72 rack's 72 GPUs).
  int64_t Nodes() const { return (count + node.size - 1) / node.size; }
};

}  // namespace fleetsim
