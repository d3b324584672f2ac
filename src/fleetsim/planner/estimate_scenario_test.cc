#include "fleetsim/planner/estimate_scenario.h"

#include <gtest/gtest.h>

#include "fleetsim/estimate/estimator.h"
#include "fleetsim/search/plan_search.h"

namespace fleetsim {
namespace {

Scenario Make(const std::string& body) { return Scenario::Parse(body, "test.yaml"); }

TEST(EstimateScenario, AutoFieldsAreChosenAndReported) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, parallelism: {tp: 8, pp: 4, dp: 2}}
)");
  const StepResult r = EstimateScenario(s);
  EXPECT_TRUE(r.fits);
  ASSERT_GE(r.auto_chosen.size(), 3u);
  EXPECT_EQ(r.plan.tp, 8);
  EXPECT_EQ(r.plan.pp, 4);
}

// A plan given in full is evaluated as given, with nothing chosen.
TEST(EstimateScenario, FixedPlanIsEvaluatedWithoutSearch) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256, micro_batch: 1, recompute: selective, zero: 1,
           parallelism: {tp: 8, pp: 4, dp: 2, vpp: 2}}
)");
  const StepResult r = EstimateScenario(s);
  EXPECT_TRUE(r.auto_chosen.empty());
  EXPECT_EQ(r.plan.Describe(), FixedPlan(s.training)->Describe());
  const Estimator e(s.model, s.cluster, s.training);
  EXPECT_EQ(r.step_time.value(), e.Evaluate(*FixedPlan(s.training)).step_time.value());
}

// Issue 9: `auto` searches every field search searches, ZeRO included, so estimate and search agree.
TEST(Issue9Auto, EstimateWithAutoFieldsPicksSearchsBestPlan) {
  const Scenario s = Make(R"(cluster: {accelerator: h100, count: 64}
model: llama3-70b
training: {seq_len: 4096, global_batch: 256}
)");
  const StepResult estimated = EstimateScenario(s);
  const Estimator e(s.model, s.cluster, s.training);
  const SearchResult found =
      SearchPlans(e, s.model, s.cluster, s.training, PlanConstraints::FromTraining(s.training), 1);
  ASSERT_FALSE(found.best.empty());
  EXPECT_EQ(estimated.plan.Describe(), found.best.front().plan.Describe());
  EXPECT_DOUBLE_EQ(estimated.step_time.value(), found.best.front().step_time.value());
  bool zero_reported = false;
  for (const std::string& note : estimated.auto_chosen) zero_reported |= note.starts_with("zero=");
  EXPECT_TRUE(zero_reported);
}

}  // namespace
}  // namespace fleetsim
