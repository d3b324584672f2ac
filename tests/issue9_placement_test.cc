// Issue 9 item 8: the flow model and the estimator's closed forms price the same placement alike. A placement is
// a plan's process groups: `stride` groups of `size` ranks, group o holding ranks o, o + stride, ...; all of them
// reduce at once (as every data-parallel group of a step does), hierarchically, in the flow model, and the
// estimator prices one of them with GroupLevels (its levels scaled by the oversubscription that the concurrent
// groups meet) and HierarchicalCollectiveTime.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/estimate/group_levels.h"
#include "fleetsim/net/network.h"

namespace fleetsim {
namespace {

struct Placement {
  const char* name;
  ClusterSpec cluster;
  int64_t size;    // ranks per group
  int64_t stride;  // rank spacing inside a group = number of concurrent groups
};

// 512 H100 on the NDR rail-optimized Clos, built as two pods of 256 GPUs joined at `oversubscription`:1.
ClusterSpec Pods(double oversubscription) {
  ClusterSpec c = MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 512);
  c.fabric.pod_size = 256;
  c.fabric.oversubscription = {1, 1, oversubscription};
  return c;
}

// 1,024 H100 over two sites of 512 joined by one WAN link pair.
ClusterSpec TwoSites(double wan_bytes_per_s, double latency_s) {
  ClusterSpec c = MakeClusterSpec("hgx-h100", "ib-ndr-400-clos", 1024);
  c.datacenters = 2;
  c.wan.bandwidth = Bandwidth(wan_bytes_per_s);
  c.wan.latency = Seconds(latency_s);
  return c;
}

double FlowTime(const Placement& p, Bytes bytes) {
  const Network net = Network::Build(p.cluster);
  std::vector<CollectiveRequest> groups;
  for (int64_t o = 0; o < p.stride; ++o) {
    CollectiveRequest r{CollectiveOp::kAllReduce, Algorithm::kHierarchical, bytes, {}};
    for (int64_t k = 0; k < p.size; ++k) r.group.push_back(o + k * p.stride);
    groups.push_back(std::move(r));
  }
  double worst = 0;
  for (const CollectiveResult& r : SimulateConcurrent(net, groups)) worst = std::max(worst, r.time.value());
  return worst;
}

double ClosedForm(const Placement& p, Bytes bytes) {
  const GroupLevels levels(p.cluster);
  return HierarchicalCollectiveTime(CollectiveOp::kAllReduce, bytes, levels.Levels(p.size, p.stride)).value();
}

// Prints the row and returns flow / closed form.
double Ratio(const Placement& p, Bytes bytes = Gigabytes(1)) {
  const double flow = FlowTime(p, bytes), closed = ClosedForm(p, bytes);
  std::printf("%-44s flow %10.4f ms  closed form %10.4f ms  flow/closed %.3f\n", p.name, 1e3 * flow, 1e3 * closed,
              flow / closed);
  return flow / closed;
}

// Full bisection: the whole job as one group (NVLink rings inside nodes, rail rings across 64 nodes and both
// pods) and the data-parallel groups of a tp8 plan (8 groups of 64, one per rail).
TEST(Issue9PlacementAgreement, FlowAndClosedFormAgreeAtFullBisection) {
  EXPECT_NEAR(Ratio({"1:1, one group of 512", Pods(1), 512, 1}), 1.0, 0.02);
  EXPECT_NEAR(Ratio({"1:1, 8 groups of 64 (tp8 data-parallel)", Pods(1), 64, 8}), 1.0, 0.02);
}

// Pods joined at 1:7. The closed form balances a pod's outgoing traffic over its uplinks perfectly; the flow model
// hashes each flow onto one of the 32 spine planes (static ECMP, one flow per ring edge), and flows that meet on a
// plane of 8/7 of a port share it. Eight rail rings leave each pod on 8 flows: where two share a plane the fabric
// phase takes 1.75x, where three, 2.6x. The closed form does not price these collisions; stated tolerance at 1:7:
// flow / closed form in [0.98, 3] (measured 1.38 for the whole job, 2.62 for the tp8 data-parallel groups).
TEST(Issue9PlacementAgreement, FlowAndClosedFormAgreeAcrossOversubscribedPodsUpToEcmpCollisions) {
  const double whole_7 = Ratio({"1:7, one group of 512", Pods(7), 512, 1});
  EXPECT_GT(whole_7, 0.98);
  EXPECT_LT(whole_7, 3.0);
  // The closed form sees the tp8 data-parallel groups keep 32 members per pod: enough to fill 1:7 uplinks.
  EXPECT_NEAR(ClosedForm({"", Pods(7), 64, 8}, Gigabytes(1)), ClosedForm({"", Pods(1), 64, 8}, Gigabytes(1)),
              1e-12);
  const double tp8_7 = Ratio({"1:7, 8 groups of 64 (tp8 data-parallel)", Pods(7), 64, 8});
  EXPECT_GT(tp8_7, 0.98);
  EXPECT_LT(tp8_7, 3.0);
}

// Known gap: groups spread thin (64 groups of 8 ranks 64 apart, 4 members per pod) send 8 flows out of each rail
// leaf; hashed over 32 planes they collide even at 1:1, so the flow model is 2x the closed form there, and 3.5x at
// 1:7, where the closed form slows by 1.75x (4 members per pod over 7) and the flow model by 3x. Both slow down;
// the closed form does not price ECMP collisions.
TEST(Issue9PlacementAgreement, ThinGroupsAcrossPodsSlowInBothButEcmpCollisionsOnlyInTheFlowModel) {
  const double thin_1 = Ratio({"1:1, 64 groups of 8 ranks 64 apart", Pods(1), 8, 64});
  const double thin_7 = Ratio({"1:7, 64 groups of 8 ranks 64 apart", Pods(7), 8, 64});
  EXPECT_GT(thin_1, 0.98);
  EXPECT_LT(thin_1, 2.5);
  EXPECT_GT(thin_7, 0.98);
  EXPECT_LT(thin_7, 4.0);
  EXPECT_GT(ClosedForm({"", Pods(7), 8, 64}, Gigabytes(1)), 1.5 * ClosedForm({"", Pods(1), 8, 64}, Gigabytes(1)));
  EXPECT_GT(FlowTime({"", Pods(7), 8, 64}, Gigabytes(1)), 1.5 * FlowTime({"", Pods(1), 8, 64}, Gigabytes(1)));
}

// Two sites: the flow model's hierarchical schedule crosses the WAN once per phase (two ring steps over two
// sites), as the closed form's WAN level does, at 1 and 10 ms, on a narrow (100 Gbps) and a wide (12.8 Tbps) WAN.
TEST(Issue9PlacementAgreement, FlowAndClosedFormAgreeAcrossTwoSites) {
  for (double latency : {1e-3, 10e-3}) {
    for (double wan : {100e9 / 8, 12.8e12 / 8}) {
      const std::string name =
          fmt::format("2 sites, {:g} Gbps {:g} ms, one group of 1024", wan * 8 / 1e9, latency * 1e3);
      EXPECT_NEAR(Ratio({name.c_str(), TwoSites(wan, latency), 1024, 1}), 1.0, 0.02) << name;
    }
  }
  EXPECT_NEAR(Ratio({"2 sites, 12.8 Tbps 1 ms, 8 groups of 128", TwoSites(1.6e12, 1e-3), 128, 8}), 1.0, 0.02);
}

// The command of the issue: 1 GB all-reduce over 16,384 H100 split over two sites. Hierarchical pays the WAN
// latency twice (2 x 10 ms), not on each of 4,094 rail-ring steps (40.9 s); the flow model, its own closed form
// (ClosedFormTime) and the estimator agree.
TEST(Issue9PlacementAgreement, SixteenThousandGpusOverTwoSitesPayTheWanLatencyPerPhase) {
  for (double latency : {1e-3, 10e-3}) {
    ClusterSpec spec = MakeClusterSpec("hgx-h100", "", 16384);
    spec.datacenters = 2;
    spec.wan.latency = Seconds(latency);
    const Network net = Network::Build(spec);
    const CollectiveRequest r{CollectiveOp::kAllReduce, Algorithm::kHierarchical, Gigabytes(1), {}};
    const CollectiveResult flow = SimulateCollective(net, r);
    const double closed = ClosedFormTime(net, r).value();
    const double estimator = ClosedForm({"", spec, 16384, 1}, Gigabytes(1));
    std::printf("16384 x H100, 2 sites, %2.0f ms WAN: flow %.4f s  closed form %.4f s  estimator %.4f s  (%s)\n",
                latency * 1e3, flow.time.value(), closed, estimator, flow.label.c_str());
    EXPECT_EQ(flow.algorithm, Algorithm::kHierarchical);
    EXPECT_LT(flow.time.value(), 0.030 + 2 * latency);
    EXPECT_NEAR(flow.time.value() / closed, 1.0, 0.02);
    EXPECT_NEAR(flow.time.value() / estimator, 1.0, 0.02);
  }
}

// `--algo ring` across sites stays a flat ring, and says so.
TEST(Issue9PlacementAgreement, AFlatRingAcrossSitesIsLabelledAsSuch) {
  const Network net = Network::Build(TwoSites(1.6e12, 1e-3));
  const CollectiveResult ring =
      SimulateCollective(net, {CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), FirstRanks(1024)});
  EXPECT_EQ(ring.algorithm, Algorithm::kRing);
  EXPECT_EQ(ring.label, "ring (flat across 2 sites: each of its 2046 steps waits on the WAN)");
  EXPECT_GT(ring.time.value(), 2046 * 1e-3);
  const double ring_closed =
      ClosedFormTime(net, {CollectiveOp::kAllReduce, Algorithm::kRing, Gigabytes(1), {}}).value();
  std::printf("2 sites, flat ring over 1024: flow %.4f s  closed form %.4f s\n", ring.time.value(), ring_closed);
  EXPECT_NEAR(ring.time.value() / ring_closed, 1.0, 0.02);
  const CollectiveResult h = SimulateCollective(
      net, {CollectiveOp::kAllReduce, Algorithm::kHierarchical, Gigabytes(1), FirstRanks(1024)});
  EXPECT_EQ(h.label, "hierarchical (rings inside each of 2 sites, then across them on the shard)");
  // A group with more nodes in one site than the other cannot pair them up: rail rings run through the WAN.
  std::vector<int64_t> uneven = FirstRanks(1024 - 8);
  const CollectiveResult u =
      SimulateCollective(net, {CollectiveOp::kAllReduce, Algorithm::kHierarchical, Gigabytes(1), uneven});
  EXPECT_EQ(u.label.rfind("hierarchical (rail rings through the WAN on every step", 0), 0u) << u.label;
  const double u_closed =
      ClosedFormTime(net, {CollectiveOp::kAllReduce, Algorithm::kHierarchical, Gigabytes(1), uneven}).value();
  std::printf("2 sites, rail rings over 64 + 63 nodes: flow %.4f s  closed form %.4f s\n", u.time.value(),
              u_closed);
  EXPECT_NEAR(u.time.value() / u_closed, 1.0, 0.02);
}

// Every reduction the hierarchical schedule runs across sites (and NVLS inside the nodes) agrees with the closed
// form of the same three levels.
TEST(Issue9PlacementAgreement, EveryHierarchicalOperationAcrossSitesMatchesItsClosedForm) {
  const Network net = Network::Build(TwoSites(100e9 / 8, 1e-3));
  for (Algorithm algo : {Algorithm::kHierarchical, Algorithm::kNvls}) {
    for (CollectiveOp op : {CollectiveOp::kAllReduce, CollectiveOp::kReduceScatter, CollectiveOp::kAllGather}) {
      const CollectiveRequest r{op, algo, Gigabytes(1), {}};
      const double flow = SimulateCollective(net, r).time.value(), closed = ClosedFormTime(net, r).value();
      std::printf("2 sites, %-14s %-12s flow %.4f ms  closed form %.4f ms\n",
                  std::string(CollectiveOpName(op)).c_str(), std::string(AlgorithmName(algo)).c_str(), 1e3 * flow,
                  1e3 * closed);
      EXPECT_NEAR(flow / closed, 1.0, 0.02) << CollectiveOpName(op) << " " << AlgorithmName(algo);
    }
  }
}

// The issue's command line: `collective --datacenters 2` at 1 and 10 ms. The JSON row says what ran, the same
// output twice.
TEST(Issue9PlacementAgreement, CollectiveCommandAcrossTwoSitesPaysTheWanLatencyPerPhase) {
  for (const char* latency : {"1ms", "10ms"}) {
    const std::vector<std::string> args{"collective",   "--accelerator", "h100",   "--count",       "16384",
                                        "--op",         "all-reduce",    "--size", "1GB",           "--algo",
                                        "hierarchical", "--datacenters", "2",      "--wan-latency", latency,
                                        "--format",     "json"};
    const testing::CliRun run = testing::RunFleetsim(args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(testing::RunFleetsim(args).out, run.out);
    const auto row = nlohmann::json::parse(run.out)["rows"][0];
    EXPECT_EQ(row["algo"], "hierarchical");
    EXPECT_EQ(row["algo_detail"], "hierarchical (rings inside each of 2 sites, then across them on the shard)");
    const double wan = std::string(latency) == "1ms" ? 1e-3 : 10e-3;
    EXPECT_GT(row["time_s"].get<double>(), 2 * wan);
    EXPECT_LT(row["time_s"].get<double>(), 0.016 + 2 * wan);  // 16.1 ms at 1 ms, 34.1 ms at 10 ms
  }
  const testing::CliRun ring =
      testing::RunFleetsim({"collective", "--accelerator", "h100", "--count", "64", "--size", "1GB", "--algo",
                            "ring", "--datacenters", "2", "--format", "json"});
  ASSERT_EQ(ring.code, 0) << ring.err;
  const auto row = nlohmann::json::parse(ring.out)["rows"][0];
  EXPECT_EQ(row["algo"], "ring");
  EXPECT_EQ(row["algo_detail"], "ring (flat across 2 sites: each of its 126 steps waits on the WAN)");
}

}  // namespace
}  // namespace fleetsim
