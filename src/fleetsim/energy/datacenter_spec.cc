#include "fleetsim/energy/datacenter_spec.h"

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

DatacenterSpec ParseDatacenterSpec(YamlMap& map, const ClusterSpec& /*cluster*/) {
  map.Finish();
  return {};
}

}  // namespace fleetsim
