// NodeSpec: a scale-up domain, the unit a job places accelerators into (an HGX board behind NVSwitch, an NVL72
// rack, a TPU cube or 2D pod, a Trainium UltraServer), with its interconnect and the hosts that hold it.
// Loaded from data/nodes.yaml; scenarios may override any field (`cluster.node: {preset: ..., ...}`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/units.h"

namespace fleetsim {

class YamlMap;

enum class DomainKind {
  kSwitch,  // crossbar: every device reaches every other at its full per-device bandwidth (NVSwitch, full mesh)
  kTorus,   // k-ary n-cube of point-to-point links (TPU ICI, NeuronLink)
};

struct DomainSpec {
  DomainKind kind = DomainKind::kSwitch;
  Bandwidth bandwidth;                // per device per direction into the domain (switch)
  Seconds latency = Seconds(2e-6);    // one-way small-message latency
  bool in_network_reduction = false;  // NVLink SHARP (NVLS) or similar
  std::vector<int> shape;             // torus dimensions
  Bandwidth link_bandwidth;           // torus: per link per direction
  bool wraparound = true;             // torus: rings close (through the OCS for TPU cubes)
  // Torus: a twisted torus (Camara et al., IEEE TPDS 2010; TPU v4, Jouppi et al., ISCA 2023): on a k x k x 2k or
  // k x 2k x 2k shape the wrap-around link of each short dimension also moves k along every long one.
  bool twisted = false;
  // Achievable fraction of `bandwidth` for bulk collective traffic (protocol overhead). Default from
  // validation/collectives.csv: 8x H100 ring all-reduce reaches 370 of 450 GB/s.
  double efficiency = 0.82;
};

struct HostSpec {
  int accelerators_per_host = 8;
  int cpus = 2;
  Watts host_power;  // everything but the accelerators, at load
  int nics = 0;
  std::optional<Usd> price;
};

struct NodeSpec {
  std::string id;
  std::string name;
  std::string accelerator;
  int size = 0;  // accelerators in the scale-up domain
  DomainSpec domain;
  HostSpec host;
  std::string default_fabric;
  std::map<std::string, std::string> sources;

  // Per-device bandwidth into the domain per direction (torus: the sum over the device's links).
  Bandwidth DeviceBandwidth() const;
};

// Applies the keys present in `map` onto `node`, then checks the result is complete and consistent.
void ParseNode(YamlMap& map, NodeSpec& node);

}  // namespace fleetsim
