#include "fleetsim/reliability/reliability_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/core/error.h"
#include "fleetsim/reliability/checkpoint_math.h"
#include "fleetsim/reliability/rng.h"

namespace fleetsim {
namespace {

ClusterSpec H100Cluster(int64_t count) {
  const Catalog& c = Catalog::BuiltIn();
  ClusterSpec s;
  s.accelerator = *c.FindAccelerator("h100");
  s.node = *c.FindNode("hgx-h100");
  s.fabric = *c.FindFabric("roce-400-clos");
  s.count = count;
  return s;
}

// Llama 3 405B on `count` H100 (tp8 x pp16 replicas of 128 GPUs), 14 bytes of state per parameter.
ReliabilityInputs Inputs(int64_t count, Seconds duration = Days(54)) {
  ReliabilityInputs in;
  in.fleet = FleetShape::FromCluster(H100Cluster(count), 128);
  in.duration = duration;
  in.checkpoint_size = Bytes(405.8e9 * 14);
  in.in_memory_bandwidth = GigabytesPerSecond(50);
  return in;
}

ReliabilitySpec Spec(std::vector<Policy> policies = {Policy::kCheckpointRestart}, int64_t trials = 200) {
  ReliabilitySpec s;
  s.trials = trials;
  s.policies = std::move(policies);
  return s;
}

double SumLost(const ReliabilityResult& r) {
  const TimeLost& l = r.lost;
  return r.useful_s + l.detection + l.replacement + l.restart + l.restore + l.recompute + l.checkpoint +
         l.degraded;
}

TEST(Rng, Mt19937_64IsTheStandardSequence) {
  // C++ standard [rand.predef]: the 10000th output of a default-constructed mt19937_64 is 9981545732273789042.
  std::mt19937_64 e;
  e.discard(9999);
  EXPECT_EQ(e(), 9981545732273789042ULL);
  Rng rng(5489);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, ExponentialMeanIsOneOverRate) {
  Rng rng(7);
  double sum = 0.0;
  for (int i = 0; i < 200000; ++i) sum += rng.Exponential(4.0);
  EXPECT_NEAR(sum / 200000, 0.25, 0.25 * 0.01);
}

TEST(ReliabilityModel, TimeAccountingAddsUpToTheElapsedTime) {
  for (auto policies : {std::vector<Policy>{Policy::kCheckpointRestart},
                        std::vector<Policy>{Policy::kCheckpointRestart, Policy::kInMemory, Policy::kElastic},
                        std::vector<Policy>{Policy::kCheckpointRestart, Policy::kHotSpares}}) {
    ReliabilitySpec spec = Spec(policies, 50);
    if (spec.Has(Policy::kHotSpares)) spec.spares = 4;
    const ReliabilityResult r = ReliabilityModel(spec, Inputs(16384)).Run();
    EXPECT_NEAR(SumLost(r), Days(54).value(), 1e-6 * Days(54).value());
  }
}

TEST(ReliabilityModel, SameSeedSameResultOtherSeedOtherResult) {
  const ReliabilityResult a = ReliabilityModel(Spec(), Inputs(4096)).Run(100);
  const ReliabilityResult b = ReliabilityModel(Spec(), Inputs(4096)).Run(100);
  EXPECT_EQ(a.unexpected_interruptions.mean, b.unexpected_interruptions.mean);
  EXPECT_EQ(a.ettr.mean, b.ettr.mean);
  ReliabilitySpec other = Spec();
  other.seed = 2;
  EXPECT_NE(ReliabilityModel(other, Inputs(4096)).Run(100).ettr.mean, a.ettr.mean);
}

TEST(ReliabilityModel, NoFailuresMeansOnlyCheckpointOverhead) {
  ReliabilitySpec spec = Spec({Policy::kCheckpointRestart}, 3);
  for (FailureClass& c : spec.failures.classes) c.rate_per_unit_hour = 0.0;
  spec.checkpoint.interval = Seconds(600);
  const ReliabilityResult r = ReliabilityModel(spec, Inputs(16384)).Run();
  EXPECT_EQ(r.unexpected_interruptions.mean, 0.0);
  const double write = 405.8e9 * 14 / 2e12;
  EXPECT_NEAR(r.ettr.mean, 600.0 / (600.0 + write), 1e-4);
}

TEST(ReliabilityModel, TimeToTrainWithoutFailuresIsTheWorkPlusCheckpoints) {
  ReliabilitySpec spec = Spec({Policy::kCheckpointRestart}, 2);
  for (FailureClass& c : spec.failures.classes) c.rate_per_unit_hour = 0.0;
  spec.checkpoint.interval = Seconds(1000);
  ReliabilityInputs in = Inputs(16384);
  in.duration.reset();
  in.work = Seconds(10500);  // 10 full cycles and 500 s: 10 checkpoints
  const ReliabilityResult r = ReliabilityModel(spec, in).Run();
  EXPECT_NEAR(r.elapsed_s.mean, 10500 + 10 * (405.8e9 * 14 / 2e12), 1e-6);
}

// MTTI is 1 / (sum of rates x units): every unit count is proportional to the fleet, so MTTI ~ 1 / size.
TEST(ReliabilityModel, MttiFallsInInverseProportionToFleetSize) {
  const ReliabilityResult small = ReliabilityModel(Spec({Policy::kCheckpointRestart}, 400), Inputs(4096)).Run();
  const ReliabilityResult large = ReliabilityModel(Spec({Policy::kCheckpointRestart}, 400), Inputs(65536)).Run();
  EXPECT_NEAR(small.mtti_model_s / large.mtti_model_s, 16.0, 16.0 * 0.01);
  EXPECT_NEAR(small.mtti_s / large.mtti_s, 16.0, 16.0 * 0.05);
}

// The issue: checkpoint-restart goodput falls with scale; in-memory redundancy and hot spares hold it up.
TEST(ReliabilityModel, CheckpointRestartGoodputFallsWithScaleInMemoryAndSparesHoldItUp) {
  const std::vector<Policy> base = {Policy::kCheckpointRestart};
  const std::vector<Policy> held = {Policy::kCheckpointRestart, Policy::kInMemory, Policy::kHotSpares};
  // Spares sized with the fleet: 1.5% of the nodes covers the ~2 days of repair at these failure rates.
  ReliabilitySpec held_16k_spec = Spec(held);
  held_16k_spec.spares = 31;
  ReliabilitySpec held_64k_spec = held_16k_spec;
  held_64k_spec.spares = 123;
  const double base_16k = ReliabilityModel(Spec(base), Inputs(16384)).Run().ettr.mean;
  const double base_64k = ReliabilityModel(Spec(base), Inputs(65536)).Run().ettr.mean;
  const double held_16k = ReliabilityModel(held_16k_spec, Inputs(16384)).Run().ettr.mean;
  const double held_64k = ReliabilityModel(held_64k_spec, Inputs(65536)).Run().ettr.mean;
  std::printf("ETTR checkpoint-restart: 16k %.4f, 64k %.4f; in-memory + hot spares: 16k %.4f, 64k %.4f\n",
              base_16k, base_64k, held_16k, held_64k);
  EXPECT_LT(base_64k, base_16k - 0.10);
  EXPECT_GT(held_16k, base_16k);
  EXPECT_GT(held_64k, base_64k + 0.03);
  EXPECT_GT(base_16k - base_64k, held_16k - held_64k);  // and loses less of it as the fleet grows
}

TEST(ReliabilityModel, HotSparesThatRunOutWaitForRepair) {
  ReliabilitySpec none = Spec({Policy::kCheckpointRestart, Policy::kHotSpares}, 50);
  ReliabilitySpec plenty = none;
  plenty.spares = 64;
  const ReliabilityResult starved = ReliabilityModel(none, Inputs(16384)).Run();
  const ReliabilityResult served = ReliabilityModel(plenty, Inputs(16384)).Run();
  EXPECT_GT(starved.lost.replacement, 10 * served.lost.replacement);
  EXPECT_GT(served.ettr.mean, starved.ettr.mean);
}

TEST(ReliabilityModel, ElasticShrinksAndGrowsBack) {
  const ReliabilityResult r =
      ReliabilityModel(Spec({Policy::kCheckpointRestart, Policy::kElastic}, 50), Inputs(16384)).Run();
  EXPECT_GT(r.lost.degraded, 0.0);
  EXPECT_GT(r.reconfigurations, 100.0);
  EXPECT_EQ(r.lost.replacement, 0.0);
}

// Young 1974: tau = sqrt(2 delta M). Sweep the interval in the simulator, fit loss(tau) = a / tau + b tau + c (the
// first-order model) and compare its minimum sqrt(a / b) with the closed form. delta / M = 0.0008 keeps Young's
// first-order error (about 2/3 sqrt(delta / 2M) = 1.3%, Daly 2006) well inside 5%.
TEST(ReliabilityModel, SimulatedOptimalIntervalMatchesYoungWithinFivePercent) {
  ReliabilitySpec spec = Spec({Policy::kCheckpointRestart}, 1500);
  ReliabilityInputs in = Inputs(16384);
  in.checkpoint_size = Bytes(2e12 * 10.0);  // delta = 10 s at 2 TB/s
  const ReliabilityModel probe(spec, in);
  const double m = 1.0 / probe.UnplannedRate();
  // Keep only crash-type classes with node blast so every failure rolls back to the last checkpoint alike.
  const double young = YoungInterval(Seconds(10.0), Seconds(m)).value();
  std::vector<double> xs, ys;
  for (int i = 0; i <= 12; ++i) {
    const double tau = young * std::pow(2.0, (i - 6) / 3.0);
    spec.checkpoint.interval = Seconds(tau);
    const ReliabilityResult r = ReliabilityModel(spec, in).Run();
    xs.push_back(tau);
    ys.push_back((r.lost.recompute + r.lost.checkpoint) / Days(54).value());
  }
  // Least squares on the basis {1/tau, tau, 1}.
  double s[3][3] = {}, t[3] = {};
  for (size_t k = 0; k < xs.size(); ++k) {
    const double f[3] = {1.0 / xs[k], xs[k], 1.0};
    for (int i = 0; i < 3; ++i) {
      t[i] += f[i] * ys[k];
      for (int j = 0; j < 3; ++j) s[i][j] += f[i] * f[j];
    }
  }
  // Solve the 3x3 normal equations by Cramer's rule.
  auto det = [](double q[3][3]) {
    return q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0]) +
           q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0]);
  };
  const double d = det(s);
  double coef[2];
  for (int c = 0; c < 2; ++c) {
    double q[3][3];
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) q[i][j] = j == c ? t[i] : s[i][j];
    }
    coef[c] = det(q) / d;
  }
  const double simulated = std::sqrt(coef[0] / coef[1]);
  const double daly = DalyInterval(Seconds(10.0), Seconds(m)).value();
  std::printf("M = %.0f s, Young %.1f s, Daly %.1f s, simulated optimum %.1f s\n", m, young, daly, simulated);
  EXPECT_NEAR(simulated / young, 1.0, 0.05);
  EXPECT_NEAR(simulated / daly, 1.0, 0.05);
}

TEST(CheckpointMath, YoungAndDalyClosedForms) {
  EXPECT_DOUBLE_EQ(YoungInterval(Seconds(8), Seconds(10000)).value(), 400.0);  // sqrt(2 * 8 * 10000)
  // Daly: 400 (1 + sqrt(0.0004) / 3 + 0.0004 / 9) - 8 = 394.68
  EXPECT_NEAR(DalyInterval(Seconds(8), Seconds(10000)).value(), 394.684, 1e-3);
  EXPECT_EQ(DalyInterval(Seconds(30), Seconds(10)).value(), 10.0);  // delta >= 2M: checkpoint every M
}

TEST(ReliabilityModel, RunWithoutLengthIsAnInputError) {
  ReliabilityInputs in = Inputs(1024);
  in.duration.reset();
  EXPECT_THROW(ReliabilityModel(Spec(), in), InputError);
}

}  // namespace
}  // namespace fleetsim
