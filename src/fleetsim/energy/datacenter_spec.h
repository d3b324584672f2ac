// DatacenterSpec: the scenario's `datacenter:` section (DESIGN §3), validated.
#pragma once

#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

struct DatacenterSpec {};

// Reads the `datacenter:` section; `cluster` is the already-resolved cluster, for cross-checks.
DatacenterSpec ParseDatacenterSpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
