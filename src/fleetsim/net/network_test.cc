#include "fleetsim/net/network.h"

#include <gtest/gtest.h>

#include <set>

#include "fleetsim/core/error.h"
#include "fleetsim/net/flow_model.h"
#include "fleetsim/net/flow_sim.h"

namespace fleetsim {
namespace {

TEST(FlowModelTest, MaxMinFairSharingClassicExample) {
  // Links a (cap 10) and b (cap 4); flow 0 on a, flow 1 on a and b, flow 2 on b: b is the bottleneck at 2 each,
  // then flow 0 takes the rest of a (8).
  Topology t;
  const int32_t u = t.AddVertex(VertexKind::kSwitch), v = t.AddVertex(VertexKind::kSwitch),
                w = t.AddVertex(VertexKind::kSwitch);
  const int32_t a = t.AddLink(u, v, Bandwidth(10), Seconds(0), LinkKind::kFabric);
  const int32_t b = t.AddLink(v, w, Bandwidth(4), Seconds(0), LinkKind::kFabric);
  FlowModel m(t);
  const int32_t f0 = m.Add({a}), f1 = m.Add({a, b}), f2 = m.Add({b});
  m.Solve();
  EXPECT_DOUBLE_EQ(m.rate(f1), 2);
  EXPECT_DOUBLE_EQ(m.rate(f2), 2);
  EXPECT_DOUBLE_EQ(m.rate(f0), 8);
  m.Remove(f2);  // incremental: b frees up, f1 rises to 4... limited by a's fair share of 5
  m.Solve();
  EXPECT_DOUBLE_EQ(m.rate(f1), 4);
  EXPECT_DOUBLE_EQ(m.rate(f0), 6);
  const int32_t capped = m.Add({a}, 1.0);
  m.Solve();
  EXPECT_DOUBLE_EQ(m.rate(capped), 1);
}

TEST(FlowModelTest, SimulatorJumpsBetweenCompletionsAndRedistributes) {
  Topology t;
  const int32_t u = t.AddVertex(VertexKind::kSwitch), v = t.AddVertex(VertexKind::kSwitch);
  const int32_t a = t.AddLink(u, v, Bandwidth(100), Seconds(0), LinkKind::kFabric);
  FlowSimulator sim(t);
  // 100 and 300 bytes share 100 B/s: the small one ends at 2 s, the big one then runs alone: 2 + 200/100 = 4 s.
  const std::vector<double> done = sim.Run({{{a}, 100, FlowModel::kNoCap, 0.5}, {{a}, 300, FlowModel::kNoCap, 0}});
  EXPECT_NEAR(done[0], 2.5, 1e-8);
  EXPECT_NEAR(done[1], 4.0, 1e-8);
}

TEST(NetworkTest, RailOptimizedClosPathsAndEcmpSpread) {
  const Network net = Network::Build(MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 2048));
  EXPECT_EQ(net.Route(0, 1, 0).links.size(), 2u);  // NVSwitch
  EXPECT_EQ(net.Route(0, 8, 0).links.size(), 2u);  // same rail, same leaf
  EXPECT_EQ(net.Route(0, 9, 0).links.size(), 4u);  // other rail: leaf, spine, leaf
  std::set<int32_t> uplinks;
  for (uint64_t f = 0; f < 64; ++f) uplinks.insert(net.Route(0, 9, f).links[1]);
  EXPECT_GT(uplinks.size(), 20u);  // ECMP spreads flows over the 32 spine planes
  ClusterSpec two_tier = MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 2049);
  two_tier.fabric.tiers = 2;  // radix 64: 8 scalable units of 32 nodes = 2,048 GPUs at most
  EXPECT_THROW(Network::Build(two_tier), InputError);
  two_tier.count = 2048;
  EXPECT_NO_THROW(Network::Build(two_tier));
}

TEST(NetworkTest, ThreeTierClosCrossesPodsThroughTheCore) {
  const Network net = Network::Build(MakeClusterSpec("hgx-h100", "roce-400-clos", 8192));
  EXPECT_EQ(net.Route(0, 8 * 400 + 1, 7).links.size(), 6u);  // leaf, spine, core, spine, leaf
}

TEST(NetworkTest, FailedLinkIsRoutedAround) {
  Network net = Network::Build(MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 16));
  const Path before = net.Route(0, 9, 3);
  const Link& up = net.topology().link(before.links[1]);
  ASSERT_TRUE(net.FailConnection(up.src, up.dst));
  const Path after = net.Route(0, 9, 3);
  ASSERT_FALSE(after.links.empty());
  for (int32_t id : after.links) EXPECT_TRUE(net.topology().link(id).up);
  EXPECT_NE(after.links, before.links);
}

TEST(NetworkTest, TorusRoutesTheShortWayAroundEachRing) {
  const Network net = Network::Build(MakeClusterSpec("tpu-v5e-pod", "", 256));
  EXPECT_EQ(net.Route(0, 15, 0).links.size(), 1u);           // wrap-around neighbour
  EXPECT_EQ(net.Route(0, 8 * 16 + 8, 0).links.size(), 16u);  // 8 + 8 hops
}

TEST(NetworkTest, OcsSliceSkipsFailedCubes) {
  NetworkOptions opt;
  opt.failed_cubes = {0, 2};
  const Network net = Network::Build(MakeClusterSpec("tpu-v4-cube", "", 4096 - 128), opt);
  EXPECT_EQ(net.slice_cubes().front(), 1);
  EXPECT_EQ(net.slice_cubes()[1], 3);
  const Network pod = Network::Build(MakeClusterSpec("tpu-v4-cube", "", 4096));
  EXPECT_EQ(pod.torus_shape(), (std::vector<int>{16, 16, 16}));
  EXPECT_THROW(Network::Build(MakeClusterSpec("tpu-v4-cube", "", 4096), opt), InputError);  // 62 healthy cubes
  EXPECT_THROW(Network::Build(MakeClusterSpec("tpu-v4-cube", "", 100)), InputError);        // not whole cubes
}

TEST(NetworkTest, WanLatencyFollowsDistance) {
  ClusterSpec spec = MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 16);
  spec.datacenters = 2;
  NetworkOptions opt;
  opt.wan_distance_km = 1000;
  const Network net = Network::Build(spec, opt);
  EXPECT_NEAR(net.Route(0, 8, 0).latency, 5e-3, 1e-4);  // 1000 km of fibre, 5 ms
}

}  // namespace
}  // namespace fleetsim
