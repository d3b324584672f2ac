// ReliabilitySpec: the scenario's `reliability:` section (DESIGN §3), validated.
#pragma once

#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

struct ReliabilitySpec {};

// Reads the `reliability:` section; `cluster` is the already-resolved cluster, for cross-checks.
ReliabilitySpec ParseReliabilitySpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
