// Issue 3: contention is real in the flow model. Each test states the expected slowdown and where it comes from.
#include <gtest/gtest.h>

#include <cstdio>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/net/network.h"

namespace fleetsim {
namespace {

// Servers of one GPU (a switch domain of size 1) so every rank owns one NIC: the fabric alone decides.
ClusterSpec SingleGpuServers(int64_t count, int tiers, int radix, int64_t pod_size, std::vector<double> over) {
  ClusterSpec c = MakeClusterSpec("hgx-h100", "roce-400-clos", count);
  c.node.id = "one-gpu";
  c.node.size = 1;
  c.fabric.rail_optimized = false;
  c.fabric.tiers = tiers;
  c.fabric.radix = radix;
  c.fabric.pod_size = pod_size;
  c.fabric.oversubscription = std::move(over);
  return c;
}

double AllReduce(const Network& net, Algorithm a, std::vector<int64_t> group, Bytes size = Gigabytes(1)) {
  return SimulateCollective(net, {CollectiveOp::kAllReduce, a, size, std::move(group)}).time.value();
}

TEST(Issue3Contention, OversubscribedClosSlowsCrossPodAllReduce) {
  // Radix 4: leaves of 2 ports with 2 uplinks, pods of 2 leaves (4 GPUs). A ring over 16 GPUs in 4 pods sends one
  // flow out of each pod; at 1:7 the pod's spine uplink in that plane carries 2 leaf uplinks / 7 = 2/7 of a NIC,
  // so the ring's slowest edge, and the whole bandwidth-bound ring, is 3.5x slower. Inside one pod: no change.
  const Network full = Network::Build(SingleGpuServers(16, 3, 4, 4, {1, 1, 1}));
  const Network over = Network::Build(SingleGpuServers(16, 3, 4, 4, {1, 1, 7}));
  const double cross =
      AllReduce(over, Algorithm::kRing, FirstRanks(16)) / AllReduce(full, Algorithm::kRing, FirstRanks(16));
  const double inside =
      AllReduce(over, Algorithm::kRing, FirstRanks(4)) / AllReduce(full, Algorithm::kRing, FirstRanks(4));
  std::printf("1:7 cross-pod ring slowdown %.3f (expected 3.5), inside a pod %.3f (expected 1)\n", cross, inside);
  EXPECT_NEAR(cross, 3.5, 3.5 * 0.02);
  EXPECT_NEAR(inside, 1.0, 0.01);
}

TEST(Issue3Contention, FailedTorusLinkReroutesAndSlowsTheRing) {
  // One failed X link in a 4x4x4 cube: the flows that used it detour over three hops that already carry a flow
  // each, so those share links at half rate; every merged step has one part on X, so the all-reduce slows by up
  // to 2x, and it still completes.
  const Network healthy = Network::Build(MakeClusterSpec("tpu-v4-cube", "", 64));
  Network broken = Network::Build(MakeClusterSpec("tpu-v4-cube", "", 64));
  ASSERT_TRUE(broken.FailConnection(0, static_cast<int32_t>(broken.TorusNeighbor(0, 0, 1))));
  const Path detour = broken.Route(0, 16, 1);  // 16 is 0's +X neighbour
  EXPECT_EQ(detour.links.size(), 3u);          // around the failed link
  const double slow =
      AllReduce(broken, Algorithm::kTorus, FirstRanks(64)) / AllReduce(healthy, Algorithm::kTorus, FirstRanks(64));
  const double ring =
      AllReduce(broken, Algorithm::kRing, FirstRanks(64)) / AllReduce(healthy, Algorithm::kRing, FirstRanks(64));
  std::printf("failed ICI link: torus all-reduce slowdown %.3f, ring %.3f (expected between 1 and 2)\n", slow,
              ring);
  EXPECT_GT(slow, 1.3);
  EXPECT_LT(slow, 2.05);
  EXPECT_GE(ring, 1.0);
}

TEST(Issue3Contention, TwoJobsSharingASpineSlowEachOther) {
  // Two tiers, radix 4 at 3:1: leaves of 3 ports with one uplink (one NIC's worth). Job A spans GPUs 0 and 3, job
  // B GPUs 1 and 4 (leaves 0 and 1): alone each flow has the uplink; together they split it, 2x slower each.
  const Network net = Network::Build(SingleGpuServers(12, 2, 4, 0, {1, 3}));
  const CollectiveRequest a{CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), {0, 3}};
  const CollectiveRequest b{CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), {1, 4}};
  const double alone = SimulateCollective(net, a).time.value();
  const std::vector<CollectiveResult> both = SimulateConcurrent(net, {a, b});
  const double other =
      SimulateConcurrent(net, {a, {CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), {6, 9}}})[0]
          .time.value();
  std::printf("shared spine uplink: job A %.3f x, job B %.3f x alone (expected 2); disjoint leaves %.3f x\n",
              both[0].time.value() / alone, both[1].time.value() / alone, other / alone);
  EXPECT_NEAR(both[0].time.value() / alone, 2.0, 0.04);
  EXPECT_NEAR(both[1].time.value() / alone, 2.0, 0.04);
  EXPECT_NEAR(other / alone, 1.0, 0.01);
}

TEST(Issue3Contention, MultiDatacenterAllReduceIsBoundByTheLongHaulLink) {
  // 32 H100s, two sites of 2 nodes, 100 GB/s WAN with 1 ms latency. Hierarchical all-reduce: inside each node,
  // across each site's 2 nodes on the rails, then each GPU's shard (size/16) across the two sites: 16 transfers of
  // size/32 per direction and step, 2 steps: size over the WAN per direction, plus 2 WAN latencies (issue 9: once
  // per phase, where rail rings through both sites crossed it on each of 6 steps, 1.5 x size).
  ClusterSpec spec = MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 32);
  spec.datacenters = 2;
  spec.wan.bandwidth = GigabytesPerSecond(100);
  spec.wan.latency = Milliseconds(1);
  const Network two_sites = Network::Build(spec);
  spec.datacenters = 1;
  const Network one_site = Network::Build(spec);
  spec.count = 16;
  const Network half = Network::Build(spec);
  const Bytes size = Gigabytes(4);
  const double t2 = AllReduce(two_sites, Algorithm::kHierarchical, {}, size);
  const double t1 = AllReduce(one_site, Algorithm::kHierarchical, {}, size);
  const Network node = Network::Build(MakeClusterSpec("hgx-h100", "", 8));
  const double inner =
      SimulateCollective(node, {CollectiveOp::kReduceScatter, Algorithm::kRing, size, {}}).time.value() +
      SimulateCollective(node, {CollectiveOp::kAllGather, Algorithm::kRing, size, {}}).time.value();
  // One site's 2 nodes reduce-scatter and all-gather on the rails as a 16-GPU hierarchical all-reduce does.
  const double site = AllReduce(half, Algorithm::kHierarchical, {}, size) - inner;
  const double bound = size.value() / 100e9 + 2 * 1e-3;
  std::printf("two sites %.4f s, one site %.4f s, WAN bound %.4f s + intra-node %.4f s + intra-site %.4f s\n", t2,
              t1, bound, inner, site);
  EXPECT_GT(t2 - inner - site, bound * 0.999);
  EXPECT_LT(t2 - inner - site, bound * 1.02);
  EXPECT_GT(t2, 2 * t1);
}

}  // namespace
}  // namespace fleetsim
