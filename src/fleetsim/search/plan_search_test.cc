#include "fleetsim/search/plan_search.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace fleetsim {
namespace {

Scenario Make(const std::string& body) { return Scenario::Parse(body, "test.yaml"); }

TEST(PlanSearch, BestPlanIsFastestFittingAndRespectsConstraints) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: selective, zero: 1,
           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 2}}
)");
  const Estimator e(s.model, s.cluster, s.training);
  const SearchResult all = SearchPlans(e, s.model, s.cluster, s.training, PlanConstraints{}, 5);
  ASSERT_EQ(all.best.size(), 5u);
  for (size_t i = 1; i < all.best.size(); ++i) EXPECT_LE(all.best[i - 1].step_time, all.best[i].step_time);
  for (const RankedPlan& p : all.best) {
    EXPECT_TRUE(p.fits);
    EXPECT_EQ(p.plan.Devices(), 64);
  }
  PlanConstraints fixed;
  fixed.tp = 4;
  const SearchResult tp4 = SearchPlans(e, s.model, s.cluster, s.training, fixed, 3);
  for (const RankedPlan& p : tp4.best) EXPECT_EQ(p.plan.tp, 4);
  EXPECT_LT(tp4.evaluated, all.evaluated);
}

// Issue 9, placement: on two sites joined by 100 Gbps the best plan search finds is slower than on one site.
TEST(PlanSearch, BestPlanAcrossTwoSitesPaysForTheWan) {
  auto sites = [](int datacenters) {
    return Make(
        fmt::format(R"(cluster: {{accelerator: h100, count: 1024, datacenters: {}, wan: {{bandwidth: 100Gbps}}}}
model: llama3-70b
training: {{seq_len: 8192, global_batch: 512, micro_batch: 1, recompute: none, zero: 1, precision: bf16,
           stack: {{preset: generic, dp_overlap: false}}, parallelism: {{tp: 8, pp: 4, dp: 32}}}}
)",
                    datacenters));
  };
  const Scenario s1 = sites(1), s2 = sites(2);
  const Estimator e1(s1.model, s1.cluster, s1.training), e2(s2.model, s2.cluster, s2.training);
  PlanConstraints free;
  free.micro_batch = 1;
  free.recompute = Recompute::kNone;
  const SearchResult r1 = SearchPlans(e1, s1.model, s1.cluster, s1.training, free, 1);
  const SearchResult r2 = SearchPlans(e2, s2.model, s2.cluster, s2.training, free, 1);
  ASSERT_FALSE(r1.best.empty());
  ASSERT_FALSE(r2.best.empty());
  EXPECT_GT(r2.best.front().step_time.value(), r1.best.front().step_time.value());
}

}  // namespace
}  // namespace fleetsim
