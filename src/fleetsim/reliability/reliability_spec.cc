#include "fleetsim/reliability/reliability_spec.h"

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

ReliabilitySpec ParseReliabilitySpec(YamlMap& map, const ClusterSpec& /*cluster*/) {
  map.Finish();
  return {};
}

}  // namespace fleetsim
