#include "fleetsim/net/network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "fleetsim/core/error.h"

namespace fleetsim {
namespace {

[[noreturn]] void Bad(const std::string& message) { throw InputError("", 0, message); }

// Splits `cubes` into three factors as close to each other as possible (largest first).
std::vector<int> CubeArrangement(int cubes) {
  std::vector<int> best{cubes, 1, 1};
  for (int a = 1; a <= cubes; ++a) {
    if (cubes % a) continue;
    for (int b = 1; b <= a; ++b) {
      if ((cubes / a) % b) continue;
      const int c = cubes / a / b;
      if (c > b) continue;
      if (a - c < best[0] - best[2]) best = {a, b, c};
    }
  }
  return best;
}

}  // namespace

Network Network::Build(const ClusterSpec& cluster, const NetworkOptions& options) {
  CheckFits(cluster);
  if (cluster.count > kMaxAccelerators) {
    Bad(
        fmt::format("the flow-level network model holds at most {} accelerators (its topology and flows grow "
                    "with the fleet); the job has {}: use `estimate` for larger fleets, or --group for a part",
                    kMaxAccelerators, cluster.count));
  }
  Network net;
  net.cluster_ = cluster;
  net.options_ = options;
  const NodeSpec& node = cluster.node;
  const FabricSpec& fabric = cluster.fabric;
  if (cluster.count <= 0) Bad("count must be at least 1 accelerator");
  if (node.size <= 0) Bad(fmt::format("node '{}' has no accelerators", node.id));
  if (cluster.datacenters < 1) Bad("datacenters must be at least 1");
  if (!(node.domain.efficiency > 0) || !(fabric.efficiency > 0)) Bad("link efficiency must be > 0");
  net.switch_domain_ = node.domain.kind == DomainKind::kSwitch;
  if (net.switch_domain_) {
    if (!(node.domain.bandwidth.value() > 0)) Bad(fmt::format("node '{}': zero domain bandwidth", node.id));
  } else {
    int64_t product = 1;
    for (int k : node.domain.shape) {
      if (k < 1) Bad(fmt::format("node '{}': torus dimensions must be >= 1", node.id));
      product *= k;
    }
    if (node.domain.shape.empty() || product != node.size) {
      Bad(fmt::format("node '{}': torus shape multiplies out to {} but the domain holds {} accelerators", node.id,
                      product, node.size));
    }
    if (!(node.domain.link_bandwidth.value() > 0))
      Bad(fmt::format("node '{}': zero torus link bandwidth", node.id));
  }
  if (fabric.kind == FabricKind::kTorus && !net.switch_domain_ && cluster.count > node.size) {
    if (cluster.datacenters > 1) Bad("a torus slice of cubes lives in one datacenter; use a clos or dcn fabric");
    net.BuildTorusSlice();
    return net;
  }
  if (fabric.kind == FabricKind::kTorus && net.switch_domain_ && cluster.count > node.size) {
    Bad(fmt::format("fabric '{}' joins torus cubes; node '{}' is a switch domain", fabric.id, node.id));
  }
  net.BuildDomains();
  if (net.domains_ > 1) net.BuildFabric();
  return net;
}

void Network::BuildDomains() {
  const NodeSpec& node = cluster_.node;
  domain_size_ = node.size;
  domains_ = cluster_.Nodes();
  accelerators_ = domains_ * domain_size_;
  sites_ = cluster_.datacenters;
  if (sites_ > domains_) Bad(fmt::format("{} datacenters for {} nodes: each site needs a node", sites_, domains_));
  domains_per_site_ = (domains_ + sites_ - 1) / sites_;
  for (int64_t a = 0; a < accelerators_; ++a) topo_.AddVertex(VertexKind::kAccelerator, 0, !switch_domain_);
  if (switch_domain_) {
    const Bandwidth bw = node.domain.bandwidth * node.domain.efficiency;
    const Seconds half = node.domain.latency / 2.0;
    to_switch_.resize(static_cast<size_t>(accelerators_));
    from_switch_.resize(static_cast<size_t>(accelerators_));
    for (int64_t d = 0; d < domains_; ++d) {
      const int32_t sw = topo_.AddVertex(VertexKind::kSwitch, 0);
      domain_switch_.push_back(sw);
      for (int64_t l = 0; l < domain_size_; ++l) {
        const auto a = static_cast<int32_t>(d * domain_size_ + l);
        to_switch_[static_cast<size_t>(a)] = topo_.AddLink(a, sw, bw, half, LinkKind::kScaleUp);
        from_switch_[static_cast<size_t>(a)] = topo_.AddLink(sw, a, bw, half, LinkKind::kScaleUp);
      }
    }
    return;
  }
  torus_shape_ = node.domain.shape;
  torus_wrap_ = node.domain.wraparound;
  torus_twisted_ = node.domain.twisted;
  const size_t dims = torus_shape_.size();
  torus_strides_.assign(dims, 1);
  for (size_t k = dims; k-- > 1;) torus_strides_[k - 1] = torus_strides_[k] * torus_shape_[k];
  const std::vector<int64_t>& strides = torus_strides_;
  if (torus_twisted_) {
    CheckTwistable();
    torus_short_ = *std::min_element(torus_shape_.begin(), torus_shape_.end());
  }
  // Twisted: crossing the wrap-around of a short dimension also moves `short` along every long dimension.
  const int64_t short_extent = torus_short_;
  const auto twist = [&](int64_t l) {
    for (size_t e = 0; e < dims; ++e) {
      if (torus_shape_[e] == short_extent) continue;
      const int64_t c = (l / strides[e]) % torus_shape_[e];
      l += (((c + short_extent) % torus_shape_[e]) - c) * strides[e];
    }
    return l;
  };
  torus_plus_.assign(static_cast<size_t>(accelerators_) * dims, -1);
  torus_minus_.assign(static_cast<size_t>(accelerators_) * dims, -1);
  const Bandwidth bw = node.domain.link_bandwidth * node.domain.efficiency;
  for (int64_t d = 0; d < domains_; ++d) {
    for (int64_t l = 0; l < domain_size_; ++l) {
      for (size_t k = dims; k-- > 0;) {
        const int64_t size = torus_shape_[k];
        const int64_t stride = strides[k];
        const int64_t c = (l / stride) % size;
        if (size > 1 && (c + 1 < size || torus_wrap_)) {
          int64_t nl = l + ((c + 1 < size) ? stride : -(size - 1) * stride);
          if (c + 1 == size && torus_twisted_ && size == short_extent) nl = twist(nl);
          const auto a = static_cast<int32_t>(d * domain_size_ + l);
          const auto b = static_cast<int32_t>(d * domain_size_ + nl);
          torus_plus_[static_cast<size_t>(a) * dims + k] =
              topo_.AddLink(a, b, bw, node.domain.latency, LinkKind::kScaleUp);
          torus_minus_[static_cast<size_t>(b) * dims + k] =
              topo_.AddLink(b, a, bw, node.domain.latency, LinkKind::kScaleUp);
        }
      }
    }
  }
}

void Network::CheckTwistable() const {
  const auto [lo, hi] = std::minmax_element(torus_shape_.begin(), torus_shape_.end());
  bool ok = torus_wrap_ && torus_shape_.size() >= 2 && *lo >= 2 && *hi == 2 * *lo;
  for (int k : torus_shape_) ok = ok && (k == *lo || k == *hi);
  if (!ok) {
    std::string shape;
    for (size_t i = 0; i < torus_shape_.size(); ++i) shape += (i ? "x" : "") + std::to_string(torus_shape_[i]);
    Bad(
        fmt::format("a twisted torus needs wrap-around and a k x k x 2k or k x 2k x 2k shape (k x 2k in 2D); the "
                    "torus is {}{}",
                    shape, torus_wrap_ ? "" : " without wrap-around"));
  }
}

void Network::BuildTorusSlice() {
  const NodeSpec& node = cluster_.node;
  const FabricSpec& fabric = cluster_.fabric;
  const std::vector<int>& cube = fabric.cube.empty() ? node.domain.shape : fabric.cube;
  if (cube != node.domain.shape)
    Bad(fmt::format("fabric '{}' joins cubes of a different shape than node '{}'", fabric.id, node.id));
  if (cube.size() != 3) Bad(fmt::format("fabric '{}': cubes must be 3-dimensional", fabric.id));
  const int64_t cube_size = node.size;
  if (cluster_.count % cube_size != 0) {
    Bad(fmt::format("a torus slice is made of whole cubes of {} chips; count {} is not a multiple", cube_size,
                    cluster_.count));
  }
  if (fabric.max_slice > 0 && cluster_.count > fabric.max_slice) {
    Bad(fmt::format("fabric '{}' holds slices of at most {} chips; count is {}", fabric.id, fabric.max_slice,
                    cluster_.count));
  }
  const int cubes = static_cast<int>(cluster_.count / cube_size);
  const int pool = fabric.max_slice > 0 ? static_cast<int>(fabric.max_slice / cube_size) : cubes;
  std::vector<bool> failed(static_cast<size_t>(pool), false);
  for (int c : options_.failed_cubes) {
    if (c < 0 || c >= pool) Bad(fmt::format("failed cube {} is not in the pod of {} cubes", c, pool));
    failed[static_cast<size_t>(c)] = true;
  }
  for (int c = 0; c < pool && static_cast<int>(slice_cubes_.size()) < cubes; ++c) {
    if (!failed[static_cast<size_t>(c)]) slice_cubes_.push_back(c);  // the OCS wires the next healthy cube in
  }
  if (static_cast<int>(slice_cubes_.size()) < cubes) {
    Bad(fmt::format("the slice needs {} cubes but only {} of the pod's {} are healthy", cubes, slice_cubes_.size(),
                    pool));
  }
  const std::vector<int> arrangement = CubeArrangement(cubes);
  NodeSpec slice = node;
  slice.size = static_cast<int>(cluster_.count);
  slice.domain.shape = {cube[0] * arrangement[0], cube[1] * arrangement[1], cube[2] * arrangement[2]};
  slice.domain.wraparound = node.domain.wraparound && fabric.wraparound;
  slice.domain.twisted = node.domain.twisted || fabric.twisted;
  cluster_.node = slice;
  cluster_.datacenters = 1;
  BuildDomains();
}

namespace {

// The shape of a Clos (or flat DCN) fabric for a cluster, computed from its counts alone, so that a cluster the
// fabric cannot hold is refused before anything is allocated.
struct ClosShape {
  int rails = 0;
  int64_t accs_per_port = 1;
  Bandwidth port_bandwidth;
  int tiers = 1;
  int64_t down = 1;  // ports per leaf
  int planes = 1;
  bool rail = false;
  int64_t site_ports = 0;
  int64_t leaves_per_site = 1;
  int64_t leaves_per_pod = 1;
};

ClosShape PlanClos(const ClusterSpec& cluster, int64_t domains_per_site) {
  const FabricSpec& f = cluster.fabric;
  const int64_t domain_size = cluster.node.size;
  const double npa = f.nics_per_accelerator;
  if (!(f.link_bandwidth.value() > 0) || !(npa > 0)) Bad(fmt::format("fabric '{}': zero bandwidth", f.id));
  if (f.kind == FabricKind::kTorus) Bad(fmt::format("fabric '{}' is a torus: it needs a torus-cube node", f.id));
  ClosShape c;
  if (npa >= 0.999) {
    c.rails = static_cast<int>(domain_size);
    c.accs_per_port = 1;
    c.port_bandwidth = f.link_bandwidth * npa * f.efficiency;
  } else {
    c.rails = std::max(1, static_cast<int>(std::lround(static_cast<double>(domain_size) * npa)));
    c.accs_per_port = (domain_size + c.rails - 1) / c.rails;
    c.port_bandwidth = f.link_bandwidth * f.efficiency;
  }
  std::vector<double> over = f.oversubscription;
  over.resize(3, 1.0);
  c.tiers = f.kind == FabricKind::kDcn ? 1 : f.tiers;
  if (c.tiers < 1 || c.tiers > 3) Bad(fmt::format("fabric '{}': tiers must be 1, 2 or 3", f.id));
  const int radix = f.radix;
  if (radix < 2 && f.kind != FabricKind::kDcn) Bad(fmt::format("fabric '{}': radix must be at least 2", f.id));
  c.site_ports = domains_per_site * c.rails;
  c.down = c.site_ports;
  if (c.tiers == 1) {
    if (f.kind != FabricKind::kDcn && c.site_ports > radix) {
      Bad(fmt::format("fabric '{}' with one tier of radix {} holds {} ports; the job needs {} ({} accelerators)",
                      f.id, radix, radix, c.site_ports, cluster.count));
    }
  } else {
    c.down = std::max<int64_t>(1, static_cast<int64_t>(std::floor(radix * over[1] / (1.0 + over[1]))));
    c.planes = static_cast<int>(std::max<int64_t>(1, radix - c.down));
  }
  c.rail = f.rail_optimized && c.tiers > 1 && c.accs_per_port == 1;
  const int64_t down = c.down;
  const int64_t rails = c.rails;
  // Leaves per site and their pods.
  c.leaves_per_site = c.tiers == 1 ? 1
                      : c.rail     ? (domains_per_site + down - 1) / down * rails
                                   : (c.site_ports + down - 1) / down;
  c.leaves_per_pod = c.leaves_per_site;
  if (c.tiers == 2 && c.leaves_per_site > radix) {
    const int64_t max_accs = c.rail ? radix / rails * down * domain_size : radix * down * c.accs_per_port;
    Bad(fmt::format(
        "fabric '{}' with 2 tiers of radix {} holds at most {} accelerators per site; the job needs {}", f.id,
        radix, max_accs, domains_per_site * domain_size));
  }
  if (c.tiers == 3) {
    const int64_t pod_domains =
        f.pod_size > 0 ? std::max<int64_t>(1, f.pod_size / domain_size) : radix * down / rails;
    c.leaves_per_pod = c.rail ? std::max<int64_t>(1, pod_domains / down) * rails
                              : std::max<int64_t>(1, (pod_domains * rails + down - 1) / down);
    const int64_t pods = (c.leaves_per_site + c.leaves_per_pod - 1) / c.leaves_per_pod;
    if (pods > radix) {
      Bad(fmt::format("fabric '{}' with 3 tiers of radix {} holds at most {} pods per site; the job needs {}",
                      f.id, radix, radix, pods));
    }
  }
  return c;
}

}  // namespace

void Network::CheckFits(const ClusterSpec& cluster) {
  if (cluster.count <= 0) Bad("count must be at least 1 accelerator");
  if (cluster.node.size <= 0) Bad(fmt::format("node '{}' has no accelerators", cluster.node.id));
  if (cluster.datacenters < 1) Bad("datacenters must be at least 1");
  const bool torus_domain = cluster.node.domain.kind == DomainKind::kTorus;
  if (cluster.fabric.kind == FabricKind::kTorus) {
    if (torus_domain && cluster.fabric.max_slice > 0 && cluster.count > cluster.fabric.max_slice) {
      Bad(fmt::format("fabric '{}' holds slices of at most {} chips; count is {}", cluster.fabric.id,
                      cluster.fabric.max_slice, cluster.count));
    }
    return;  // torus slices: checked cube by cube when built
  }
  const int64_t domains = cluster.Nodes();
  if (cluster.datacenters > domains) {
    Bad(fmt::format("{} datacenters for {} nodes: each site needs a node", cluster.datacenters, domains));
  }
  if (domains > 1) PlanClos(cluster, (domains + cluster.datacenters - 1) / cluster.datacenters);
}

void Network::BuildFabric() {
  const FabricSpec& f = cluster_.fabric;
  const ClosShape shape = PlanClos(cluster_, domains_per_site_);
  rails_ = shape.rails;
  accs_per_port_ = shape.accs_per_port;
  port_bandwidth_ = shape.port_bandwidth;
  tiers_ = shape.tiers;
  planes_ = shape.planes;
  const int64_t ports = domains_ * rails_;
  const Seconds nic_half = f.nic_latency / 2.0;
  const Seconds hop = f.latency;
  // Ports: the accelerator itself, or a NIC shared by several accelerators.
  acc_to_nic_.assign(static_cast<size_t>(accelerators_), -1);
  nic_to_acc_.assign(static_cast<size_t>(accelerators_), -1);
  port_vertex_.resize(static_cast<size_t>(ports));
  for (int64_t p = 0; p < ports; ++p) {
    const int64_t d = p / rails_, r = p % rails_;
    if (accs_per_port_ == 1) {
      port_vertex_[static_cast<size_t>(p)] = static_cast<int32_t>(d * domain_size_ + r);
      continue;
    }
    const int32_t nic = topo_.AddVertex(VertexKind::kNic);
    port_vertex_[static_cast<size_t>(p)] = nic;
    for (int64_t l = r * accs_per_port_; l < std::min(domain_size_, (r + 1) * accs_per_port_); ++l) {
      const auto a = static_cast<size_t>(d * domain_size_ + l);
      acc_to_nic_[a] = topo_.AddLink(static_cast<int32_t>(a), nic, port_bandwidth_, Seconds(0), LinkKind::kNic);
      nic_to_acc_[a] = topo_.AddLink(nic, static_cast<int32_t>(a), port_bandwidth_, Seconds(0), LinkKind::kNic);
    }
  }
  std::vector<double> over = f.oversubscription;
  over.resize(3, 1.0);
  const int64_t site_ports = shape.site_ports;
  const int64_t down = shape.down;
  const bool rail = shape.rail;
  const int64_t leaves_per_site = shape.leaves_per_site;
  const int64_t leaves_per_pod = shape.leaves_per_pod;
  const int64_t pods_per_site = (leaves_per_site + leaves_per_pod - 1) / leaves_per_pod;
  const int64_t leaves = leaves_per_site * sites_;
  std::vector<int32_t> leaf_vertex(static_cast<size_t>(leaves));
  for (auto& v : leaf_vertex) v = topo_.AddVertex(VertexKind::kSwitch, 1);
  pod_of_leaf_.resize(static_cast<size_t>(leaves));
  for (int64_t l = 0; l < leaves; ++l) {
    pod_of_leaf_[static_cast<size_t>(l)] =
        static_cast<int32_t>(l / leaves_per_site * pods_per_site + (l % leaves_per_site) / leaves_per_pod);
  }
  // Ports to leaves.
  leaf_of_port_.resize(static_cast<size_t>(ports));
  port_up_.resize(static_cast<size_t>(ports));
  port_down_.resize(static_cast<size_t>(ports));
  for (int64_t p = 0; p < ports; ++p) {
    const int64_t d = p / rails_, r = p % rails_;
    const int64_t site = d / domains_per_site_, ds = d % domains_per_site_;
    int64_t local = 0;
    if (tiers_ == 1)
      local = 0;
    else if (rail)
      local = ds / down * rails_ + r;
    else
      local = (ds * rails_ + r) / down;
    const int64_t leaf = site * leaves_per_site + local;
    leaf_of_port_[static_cast<size_t>(p)] = static_cast<int32_t>(leaf);
    const int32_t pv = port_vertex_[static_cast<size_t>(p)], lv = leaf_vertex[static_cast<size_t>(leaf)];
    port_up_[static_cast<size_t>(p)] = topo_.AddLink(pv, lv, port_bandwidth_, nic_half, LinkKind::kNic);
    port_down_[static_cast<size_t>(p)] = topo_.AddLink(lv, pv, port_bandwidth_, hop + nic_half, LinkKind::kNic);
  }
  // Upper tiers, as `planes_` parallel planes (one per leaf uplink); each plane's switch at a tier is one logical
  // switch, so ECMP spreads over planes at the leaf and paths are fixed inside a plane.
  std::vector<int32_t> top(static_cast<size_t>(sites_) * planes_);
  if (tiers_ == 1) {
    for (int s = 0; s < sites_; ++s)
      top[static_cast<size_t>(s)] = leaf_vertex[static_cast<size_t>(s * leaves_per_site)];
  } else {
    const Bandwidth leaf_up = port_bandwidth_ * (static_cast<double>(down) / (planes_ * over[1]));
    const int64_t pods = pods_per_site * sites_;
    std::vector<int32_t> spine(static_cast<size_t>(pods * planes_));
    for (auto& v : spine) v = topo_.AddVertex(VertexKind::kSwitch, 2);
    leaf_up_.resize(static_cast<size_t>(leaves * planes_));
    leaf_down_.resize(static_cast<size_t>(leaves * planes_));
    for (int64_t l = 0; l < leaves; ++l) {
      for (int j = 0; j < planes_; ++j) {
        const int32_t sv = spine[static_cast<size_t>(pod_of_leaf_[static_cast<size_t>(l)] * planes_ + j)];
        const auto i = static_cast<size_t>(l * planes_ + j);
        leaf_up_[i] = topo_.AddLink(leaf_vertex[static_cast<size_t>(l)], sv, leaf_up, hop, LinkKind::kFabric);
        leaf_down_[i] = topo_.AddLink(sv, leaf_vertex[static_cast<size_t>(l)], leaf_up, hop, LinkKind::kFabric);
      }
    }
    if (tiers_ == 2) {
      top = spine;  // one pod per site
    } else {
      const Bandwidth spine_up = leaf_up * (static_cast<double>(leaves_per_pod) / over[2]);
      spine_up_.resize(spine.size());
      spine_down_.resize(spine.size());
      for (int s = 0; s < sites_; ++s) {
        for (int j = 0; j < planes_; ++j)
          top[static_cast<size_t>(s * planes_ + j)] = topo_.AddVertex(VertexKind::kSwitch, 3);
      }
      for (int64_t p = 0; p < pods; ++p) {
        for (int j = 0; j < planes_; ++j) {
          const auto i = static_cast<size_t>(p * planes_ + j);
          const int32_t core = top[static_cast<size_t>(p / pods_per_site * planes_ + j)];
          spine_up_[i] = topo_.AddLink(spine[i], core, spine_up, hop, LinkKind::kFabric);
          spine_down_[i] = topo_.AddLink(core, spine[i], spine_up, hop, LinkKind::kFabric);
        }
      }
    }
  }
  if (sites_ > 1) {
    const WanSpec& wan = cluster_.wan;
    if (!(wan.bandwidth.value() > 0)) Bad("zero WAN bandwidth");
    const Seconds wan_latency = WanLatency();
    const Bandwidth trunk = port_bandwidth_ * static_cast<double>(site_ports);  // never the bottleneck
    std::vector<int32_t> gw(static_cast<size_t>(sites_));
    top_to_gw_.resize(top.size());
    gw_to_top_.resize(top.size());
    for (int s = 0; s < sites_; ++s) {
      gw[static_cast<size_t>(s)] = topo_.AddVertex(VertexKind::kGateway, 4);
      for (int j = 0; j < planes_; ++j) {
        const auto i = static_cast<size_t>(s * planes_ + j);
        top_to_gw_[i] = topo_.AddLink(top[i], gw[static_cast<size_t>(s)], trunk, hop, LinkKind::kFabric);
        gw_to_top_[i] = topo_.AddLink(gw[static_cast<size_t>(s)], top[i], trunk, hop, LinkKind::kFabric);
      }
    }
    wan_.assign(static_cast<size_t>(sites_ * sites_), -1);
    for (int a = 0; a < sites_; ++a) {
      for (int b = 0; b < sites_; ++b) {
        if (a == b) continue;
        wan_[static_cast<size_t>(a * sites_ + b)] = topo_.AddLink(
            gw[static_cast<size_t>(a)], gw[static_cast<size_t>(b)], wan.bandwidth, wan_latency, LinkKind::kWan);
      }
    }
  }
}

Bandwidth Network::DomainBandwidth() const {
  const DomainSpec& d = cluster_.node.domain;
  if (switch_domain_) return d.bandwidth * d.efficiency;
  return d.link_bandwidth * (d.efficiency * 2.0 * static_cast<double>(torus_shape_.size()));
}

Seconds Network::FabricLatency() const {
  // Up to the top tier and down again, as the estimator's levels count it (a ring across pods crosses them all).
  return cluster_.fabric.nic_latency + cluster_.fabric.latency * static_cast<double>(std::max(1, 2 * tiers_ - 1));
}

Seconds Network::WanLatency() const {
  return options_.wan_distance_km ? Seconds(*options_.wan_distance_km * 5e-6) : cluster_.wan.latency;
}

Bandwidth Network::FabricBandwidth() const { return port_bandwidth_ / static_cast<double>(accs_per_port_); }

bool Network::FailConnection(int32_t a, int32_t b, bool failed) {
  bool found = false;
  for (int32_t id : topo_.OutLinks(a)) found = found || topo_.link(id).dst == b;
  if (found) topo_.SetConnectionUp(a, b, !failed);
  return found;
}

bool Network::FailSwitch(int32_t vertex, bool failed) {
  if (vertex < 0 || static_cast<size_t>(vertex) >= topo_.num_vertices() ||
      topo_.vertex(vertex).kind != VertexKind::kSwitch) {
    return false;
  }
  const std::vector<int32_t> out = topo_.OutLinks(vertex);
  for (int32_t id : out) topo_.SetConnectionUp(vertex, topo_.link(id).dst, !failed);
  return true;
}

ClusterSpec MakeClusterSpec(const std::string& node, const std::string& fabric, int64_t count,
                            const Catalog& catalog) {
  const NodeSpec* n = catalog.FindNode(node);
  if (!n) Bad(fmt::format("unknown node '{}'", node));
  ClusterSpec c;
  c.node = *n;
  const std::string fabric_id = fabric.empty() ? n->default_fabric : fabric;
  const FabricSpec* f = catalog.FindFabric(fabric_id);
  if (!f) Bad(fmt::format("unknown fabric '{}'", fabric_id));
  c.fabric = *f;
  if (const Accelerator* a = catalog.FindAccelerator(n->accelerator)) c.accelerator = *a;
  c.count = count;
  return c;
}

}  // namespace fleetsim
