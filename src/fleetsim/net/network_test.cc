#include "fleetsim/net/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include "fleetsim/collective/flow_collective.h"
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

TEST(NetworkTest, FailedSwitchIsRoutedAroundOrDisconnects) {
  Network net = Network::Build(MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 2048));
  const Path before = net.Route(0, 9, 3);  // port, leaf -> spine, spine -> leaf, port
  ASSERT_EQ(before.links.size(), 4u);
  const int32_t leaf = net.topology().link(before.links[0]).dst;
  const int32_t spine = net.topology().link(before.links[1]).dst;
  EXPECT_FALSE(net.FailSwitch(0));  // an accelerator, not a switch
  ASSERT_TRUE(net.FailSwitch(spine));
  const Path after = net.Route(0, 9, 3);
  ASSERT_EQ(after.links.size(), 4u);  // another spine plane
  for (int32_t id : after.links) {
    EXPECT_TRUE(net.topology().link(id).up);
    EXPECT_NE(net.topology().link(id).dst, spine);
  }
  const CollectiveResult ring =
      SimulateCollective(net, {CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), FirstRanks(2048)});
  EXPECT_GT(ring.time.value(), 0);
  ASSERT_TRUE(net.FailSwitch(leaf));  // accelerator 0's only way out
  EXPECT_THROW(net.Route(0, 9, 3), InputError);
  ASSERT_TRUE(net.FailSwitch(leaf, false));
  EXPECT_EQ(net.Route(0, 9, 3).links.size(), 4u);
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

// Twisted 4x4x8 slice (shape order x, y, z with z long): the short dimensions' wrap-around links also move 4 along
// z, every chip keeps six links, and every route is as short as a breadth-first search over the links finds.
TEST(NetworkTest, TwistedTorusWiresTheTwistAndRoutesMinimally) {
  ClusterSpec spec = MakeClusterSpec("tpu-v4-cube", "tpu-ici-torus-ocs", 128);
  const Network regular = Network::Build(spec);
  spec.fabric.twisted = true;
  const Network net = Network::Build(spec);
  ASSERT_EQ(net.torus_shape(), (std::vector<int>{8, 4, 4}));  // the long dimension first here
  EXPECT_TRUE(net.torus_twisted());
  const auto id = [](int x, int y, int z) { return static_cast<int64_t>((x * 4 + y) * 4 + z); };
  // From (x, y, z = 3) one step +z wraps to (x + 4 mod 8, y, 0): the long coordinate moves by 4.
  EXPECT_EQ(net.TorusNeighbor(id(1, 2, 3), 2, +1), id(5, 2, 0));
  EXPECT_EQ(net.TorusNeighbor(id(5, 2, 0), 2, -1), id(1, 2, 3));
  EXPECT_EQ(net.TorusNeighbor(id(6, 3, 1), 1, +1), id(2, 0, 1));
  EXPECT_EQ(net.TorusNeighbor(id(6, 3, 1), 0, +1), id(7, 3, 1));  // the long ring is not twisted
  size_t longest = 0, longest_regular = 0;
  for (int64_t a = 0; a < 128; a += 7) {
    for (int64_t b = 0; b < 128; ++b) {
      if (a == b) continue;
      const Path p = net.Route(a, b, 0);
      const std::vector<int32_t> bfs =
          net.topology().ShortestPath(static_cast<int32_t>(a), static_cast<int32_t>(b), 0);
      ASSERT_EQ(p.links.size(), bfs.size()) << a << " -> " << b;
      int32_t at = static_cast<int32_t>(a);
      for (int32_t l : p.links) {
        ASSERT_EQ(net.topology().link(l).src, at);
        at = net.topology().link(l).dst;
      }
      EXPECT_EQ(at, b);
      longest = std::max(longest, p.links.size());
      longest_regular = std::max(longest_regular, regular.Route(a, b, 0).links.size());
    }
  }
  EXPECT_EQ(longest_regular, 8u);  // 4 + 2 + 2
  EXPECT_LT(longest, longest_regular);
}

TEST(NetworkTest, TwistedTorusNeedsAKbyKby2KShape) {
  ClusterSpec spec = MakeClusterSpec("tpu-v4-cube", "tpu-ici-torus-ocs", 512);  // 8x8x8
  spec.fabric.twisted = true;
  try {
    Network::Build(spec);
    FAIL() << "an 8x8x8 slice cannot twist";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("k x k x 2k"), std::string::npos) << e.what();
  }
  spec.count = 256;  // 4x8x8
  EXPECT_NO_THROW(Network::Build(spec));
}

// Batching completions that fall within 1% of each other changes an all-to-all's time by under 1% and a step
// whose flows all end together not at all.
TEST(FlowSimulatorTest, CompletionBatchingStaysWithinItsPrecision) {
  const Network net = Network::Build(MakeClusterSpec("tpu-v4-cube", "tpu-ici-torus-ocs", 64));
  FlowSet set;
  std::vector<int32_t> links;
  for (int64_t a = 0; a < 64; ++a) {
    for (int64_t b = 0; b < 64; ++b) {
      if (a == b) continue;
      const double latency = net.RouteInto(a, b, 0, links);
      set.Add(links, 1e6, FlowModel::kNoCap, latency);
    }
  }
  FlowSimulator exact(net.topology(), 0), batched(net.topology());
  const std::vector<double> e = exact.Run(set), b = batched.Run(set);
  const double e_end = *std::max_element(e.begin(), e.end()), b_end = *std::max_element(b.begin(), b.end());
  std::printf("all-to-all over 64 chips: %llu solves exact, %llu batched; end %.6g s against %.6g s\n",
              static_cast<unsigned long long>(exact.solves()), static_cast<unsigned long long>(batched.solves()),
              b_end, e_end);
  EXPECT_NEAR(b_end / e_end, 1.0, FlowSimulator::kDefaultPrecision);
  EXPECT_LT(batched.solves() * 2, exact.solves());
  FlowSet ring;
  for (int64_t a = 0; a < 64; ++a) {
    net.RouteInto(a, (a + 1) % 64, 0, links);
    ring.Add(links, 1e6, FlowModel::kNoCap, 0);
  }
  EXPECT_EQ(FlowSimulator(net.topology(), 0).Run(ring), FlowSimulator(net.topology()).Run(ring));
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
