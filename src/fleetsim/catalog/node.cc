#include "fleetsim/catalog/node.h"

#include <fmt/format.h>

#include "fleetsim/core/yaml_map.h"

namespace fleetsim {

Bandwidth NodeSpec::DeviceBandwidth() const {
  if (domain.kind == DomainKind::kSwitch) return domain.bandwidth;
  return domain.link_bandwidth * (2.0 * static_cast<double>(domain.shape.size()));
}

void ParseNode(YamlMap& m, NodeSpec& node) {
  if (auto v = m.OptString("id")) node.id = *v;
  if (auto v = m.OptString("name")) node.name = *v;
  if (auto v = m.OptString("accelerator")) node.accelerator = *v;
  if (auto v = m.OptInteger("size", Range::Between(1, 1e6))) node.size = static_cast<int>(*v);
  if (auto d = m.OptMap("domain")) {
    if (auto v = d->OptChoice("kind", {"switch", "torus"})) {
      node.domain.kind = *v == "switch" ? DomainKind::kSwitch : DomainKind::kTorus;
    }
    if (auto v = d->OptQuantity("bandwidth", Dimension::kBandwidth, Range::Positive())) {
      node.domain.bandwidth = Bandwidth(*v);
    }
    if (auto v = d->OptQuantity("latency", Dimension::kTime, Range::NonNegative()))
      node.domain.latency = Seconds(*v);
    if (auto v = d->OptBool("in_network_reduction")) node.domain.in_network_reduction = *v;
    if (d->Has("shape")) {
      node.domain.shape.clear();
      for (int64_t k : d->IntegerList("shape", Range::Between(1, 1e5)))
        node.domain.shape.push_back(static_cast<int>(k));
    }
    if (auto v = d->OptQuantity("link_bandwidth", Dimension::kBandwidth, Range::Positive())) {
      node.domain.link_bandwidth = Bandwidth(*v);
    }
    if (auto v = d->OptBool("wraparound")) node.domain.wraparound = *v;
    if (auto v = d->OptBool("twisted")) node.domain.twisted = *v;
    if (auto v = d->OptNumber("efficiency", Range{0.0, 1.0, true})) node.domain.efficiency = *v;
    d->Finish();
  }
  if (auto h = m.OptMap("host")) {
    if (auto v = h->OptInteger("accelerators_per_host", Range::Between(1, 1e4))) {
      node.host.accelerators_per_host = static_cast<int>(*v);
    }
    if (auto v = h->OptInteger("cpus", Range::Between(0, 1e4))) node.host.cpus = static_cast<int>(*v);
    if (auto v = h->OptQuantity("host_power", Dimension::kPower, Range::NonNegative()))
      node.host.host_power = Watts(*v);
    if (auto v = h->OptInteger("nics", Range::Between(0, 1e4))) node.host.nics = static_cast<int>(*v);
    if (auto v = h->OptQuantity("price", Dimension::kMoney, Range::Positive())) node.host.price = Usd(*v);
    h->Finish();
  }
  if (auto v = m.OptString("default_fabric")) node.default_fabric = *v;
  if (m.Has("sources")) node.sources = m.StringMap("sources");

  if (node.size <= 0) m.Fail("size", "a node needs size (accelerators in the scale-up domain) > 0");
  if (node.domain.kind == DomainKind::kSwitch) {
    if (node.domain.bandwidth.value() <= 0) m.Fail("domain", "a switch domain needs domain.bandwidth > 0");
  } else {
    if (node.domain.shape.empty()) m.Fail("domain", "a torus domain needs domain.shape, e.g. [4, 4, 4]");
    int product = 1;
    for (int k : node.domain.shape) product *= k;
    if (product != node.size) {
      m.Fail("domain", fmt::format("torus shape multiplies out to {} but size is {}", product, node.size));
    }
    if (node.domain.link_bandwidth.value() <= 0)
      m.Fail("domain", "a torus domain needs domain.link_bandwidth > 0");
  }
}

}  // namespace fleetsim
