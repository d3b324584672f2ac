#include "fleetsim/cost/economics_spec.h"

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

EconomicsSpec ParseEconomicsSpec(YamlMap& map, const ClusterSpec& /*cluster*/) {
  map.Finish();
  return {};
}

}  // namespace fleetsim
