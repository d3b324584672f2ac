// EconomicsSpec: the scenario's `economics:` section (DESIGN §3), validated.
#pragma once

#include "fleetsim/scenario/cluster_spec.h"

namespace fleetsim {

class YamlMap;

struct EconomicsSpec {};

// Reads the `economics:` section; `cluster` is the already-resolved cluster, for cross-checks.
EconomicsSpec ParseEconomicsSpec(YamlMap& map, const ClusterSpec& cluster);

}  // namespace fleetsim
