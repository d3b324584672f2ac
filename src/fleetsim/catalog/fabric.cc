#include "fleetsim/catalog/fabric.h"

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

std::string_view FabricKindName(FabricKind k) {
  switch (k) {
    case FabricKind::kClos:
      return "clos";
    case FabricKind::kTorus:
      return "torus";
    case FabricKind::kDcn:
      return "dcn";
  }
  return "?";
}

double FabricSpec::CrossPodOversubscription() const {
  double worst = 1.0;
  for (double o : oversubscription) worst *= o;
  return worst;
}

void ParseFabric(YamlMap& m, FabricSpec& f) {
  if (auto v = m.OptString("id")) f.id = *v;
  if (auto v = m.OptString("name")) f.name = *v;
  if (auto v = m.OptChoice("kind", {"clos", "torus", "dcn"})) {
    f.kind = *v == "clos" ? FabricKind::kClos : *v == "torus" ? FabricKind::kTorus : FabricKind::kDcn;
  }
  if (auto v = m.OptQuantity("link_bandwidth", Dimension::kBandwidth, Range::Positive())) {
    f.link_bandwidth = Bandwidth(*v);
  }
  if (auto v = m.OptNumber("nics_per_accelerator", Range::Positive())) f.nics_per_accelerator = *v;
  if (auto v = m.OptBool("rail_optimized")) f.rail_optimized = *v;
  if (auto v = m.OptInteger("tiers", Range::Between(1, 4))) f.tiers = static_cast<int>(*v);
  if (auto v = m.OptInteger("radix", Range::Between(2, 1e4))) f.radix = static_cast<int>(*v);
  if (auto v = m.OptInteger("pod_size", Range::AtLeast(0))) f.pod_size = *v;
  if (m.Has("oversubscription")) f.oversubscription = m.NumberList("oversubscription", Range::AtLeast(1));
  if (auto v = m.OptQuantity("latency", Dimension::kTime, Range::NonNegative())) f.latency = Seconds(*v);
  if (auto v = m.OptNumber("efficiency", Range{0.0, 1.0, true})) f.efficiency = *v;
  if (auto v = m.OptQuantity("nic_latency", Dimension::kTime, Range::NonNegative())) f.nic_latency = Seconds(*v);
  if (auto v = m.OptQuantity("switch_power", Dimension::kPower, Range::NonNegative())) f.switch_power = Watts(*v);
  if (auto v = m.OptQuantity("optics_power", Dimension::kPower, Range::NonNegative())) f.optics_power = Watts(*v);
  if (auto v = m.OptQuantity("switch_price", Dimension::kMoney, Range::Positive())) f.switch_price = Usd(*v);
  if (auto v = m.OptInteger("links_per_accelerator", Range::Between(0, 64))) {
    f.links_per_accelerator = static_cast<int>(*v);
  }
  if (m.Has("cube")) {
    f.cube.clear();
    for (int64_t k : m.IntegerList("cube", Range::Between(1, 1e4))) f.cube.push_back(static_cast<int>(k));
  }
  if (auto v = m.OptInteger("max_slice", Range::AtLeast(0))) f.max_slice = *v;
  if (auto v = m.OptBool("wraparound")) f.wraparound = *v;
  if (auto v = m.OptBool("twisted")) f.twisted = *v;
  if (auto v = m.OptBool("in_network_reduction")) f.in_network_reduction = *v;
  if (auto v = m.OptString("dcn_fabric")) f.dcn_fabric = *v;
  if (auto o = m.OptMap("ocs")) {
    OcsSpec ocs = f.ocs.value_or(OcsSpec{});
    if (auto v = o->OptInteger("ports", Range::Between(1, 1e5))) ocs.ports = static_cast<int>(*v);
    if (auto v = o->OptInteger("count", Range::Between(0, 1e6))) ocs.count = static_cast<int>(*v);
    if (auto v = o->OptQuantity("reconfigure_time", Dimension::kTime, Range::NonNegative())) {
      ocs.reconfigure_time = Seconds(*v);
    }
    if (auto v = o->OptQuantity("power_per_port", Dimension::kPower, Range::NonNegative())) {
      ocs.power_per_port = Watts(*v);
    }
    o->Finish();
    f.ocs = ocs;
  }
  if (m.Has("sources")) f.sources = m.StringMap("sources");

  if (f.link_bandwidth.value() <= 0) m.Fail("link_bandwidth", "a fabric needs link_bandwidth > 0");
  if (f.kind == FabricKind::kClos && !f.oversubscription.empty() &&
      static_cast<int>(f.oversubscription.size()) != f.tiers) {
    m.Fail("oversubscription", "give one ratio per tier (the list length must equal tiers)");
  }
}

}  // namespace fleetsim
