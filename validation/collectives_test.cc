// Validation of the flow-level collective model against published measurements (validation/collectives.csv),
// through the same code as `fleetsim validate collectives` (fleetsim/validate/collectives_family.h). Calibrated
// rows set a constant (named in the row); test rows are predictions. Every row must be within 10%.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/net/network.h"
#include "fleetsim/validate/collectives_family.h"
#include "fleetsim/validate/validation_output.h"

namespace fleetsim {
namespace {

TEST(CollectivesValidation, PublishedBandwidthsWithinTenPercent) {
  const FamilyReport report = ValidateCollectives();
  ASSERT_GE(report.rows.size(), 11u);
  std::printf("%s", ValidationText({report}).c_str());
  for (const ValidationRow& row : report.rows) {
    ASSERT_TRUE(row.Error()) << row.id << ": published '" << row.published.text << "' is not a number";
    EXPECT_LT(std::abs(*row.Error()), 0.10) << row.id;
  }
}

TEST(CollectivesValidation, NvlsBusBandwidthGrowsWithGpusAndRingStaysFlat) {
  // nccl issue 1455: ring stays 365-370 GB/s for 2..8 GPUs; NVLS rises to 480 at 8.
  const Network net = Network::Build(MakeClusterSpec("hgx-h100", "", 8));
  double previous = 0;
  for (int n = 2; n <= 8; ++n) {
    const Bytes size = Gigabytes(4);
    const auto ring = SimulateCollective(net, {CollectiveOp::kAllReduce, Algorithm::kRing, size, FirstRanks(n)});
    const auto nvls = SimulateCollective(net, {CollectiveOp::kAllReduce, Algorithm::kNvls, size, FirstRanks(n)});
    const double ring_bus = ring.AlgorithmBandwidth(size) * BusBandwidthFactor(CollectiveOp::kAllReduce, n) / 1e9;
    const double nvls_bus = nvls.AlgorithmBandwidth(size) * BusBandwidthFactor(CollectiveOp::kAllReduce, n) / 1e9;
    std::printf("n=%d ring busbw %.0f GB/s, nvls busbw %.0f GB/s\n", n, ring_bus, nvls_bus);
    EXPECT_NEAR(ring_bus, 368, 8);
    EXPECT_GT(nvls_bus, previous);
    previous = nvls_bus;
  }
}

}  // namespace
}  // namespace fleetsim
