// Validation of the flow-level collective model against published measurements (validation/collectives.csv).
// Calibrated rows set a constant (named below); test rows are predictions. Every row must be within 10%.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "fleetsim/collective/flow_collective.h"
#include "fleetsim/net/network.h"
#include "validation_rows.h"

namespace fleetsim {
namespace {

std::map<std::string, double> PublishedValues() {
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/validation/collectives.csv");
  std::map<std::string, double> values;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = validation::SplitCsvLine(line);
    if (cells.size() < 11) continue;
    try {
      size_t used = 0;
      const double v = std::stod(cells[10], &used);
      if (used == cells[10].size()) values[cells[0]] = v;
    } catch (const std::exception&) {
    }
  }
  return values;
}

double BusBandwidth(const std::string& node, const std::string& fabric, int64_t count, Algorithm algo,
                    Bytes size) {
  const Network net = Network::Build(MakeClusterSpec(node, fabric, count));
  const CollectiveResult r = SimulateCollective(net, {CollectiveOp::kAllReduce, algo, size, {}});
  return r.AlgorithmBandwidth(size) * BusBandwidthFactor(CollectiveOp::kAllReduce, static_cast<int>(count));
}

// All-to-all throughput of a twisted TPU v4 slice over the regular torus of the same shape.
double TwistedSpeedup(int64_t chips) {
  const Bytes size = Gigabytes(1);
  ClusterSpec spec = MakeClusterSpec("tpu-v4-cube", "tpu-ici-torus-ocs", chips);
  const Network regular = Network::Build(spec);
  spec.fabric.twisted = true;
  const Network twisted = Network::Build(spec);
  const CollectiveRequest a2a{CollectiveOp::kAllToAll, Algorithm::kDirect, size, {}};
  return SimulateCollective(regular, a2a).time.value() / SimulateCollective(twisted, a2a).time.value();
}

struct Row {
  const char* id;
  const char* role;  // what it calibrates, or "test"
  double model;      // in the row's unit
};

TEST(CollectivesValidation, PublishedBandwidthsWithinTenPercent) {
  const std::map<std::string, double> published = PublishedValues();
  ASSERT_FALSE(published.empty()) << "validation/collectives.csv not found";
  const Bytes big = Gigabytes(4);
  const std::vector<Row> rows = {
      {"h100-8-ring", "calibrates node domain efficiency 0.82 (default)",
       BusBandwidth("hgx-h100", "", 8, Algorithm::kRing, big) / 1e9},
      {"h100-8-nvls", "calibrates kNvlsBandwidthFactor 0.745",
       BusBandwidth("hgx-h100", "", 8, Algorithm::kNvls, big) / 1e9},
      {"h100-8-default", "test", BusBandwidth("hgx-h100", "", 8, Algorithm::kAuto, big) / 1e9},
      {"h200-8", "test", BusBandwidth("hgx-h200", "", 8, Algorithm::kAuto, big) / 1e9},
      {"a100-8", "test", BusBandwidth("dgx-a100", "", 8, Algorithm::kAuto, big) / 1e9},
      {"ndr400-per-nic", "calibrates fabric efficiency 0.94 (default)",
       BusBandwidth("hgx-h100", "ib-ndr-400-clos", 16, Algorithm::kRing, big) / 8 / 1e9},
      {"tpu-v4-pod", "calibrates TPU ICI efficiency 0.95 (with v5e, v6e)",
       BusBandwidth("tpu-v4-cube", "tpu-ici-torus-ocs", 4096, Algorithm::kTorus, big) * 4096 / 1e12},
      {"tpu-v5e-pod", "calibrates TPU ICI efficiency 0.95",
       BusBandwidth("tpu-v5e-pod", "", 256, Algorithm::kTorus, big) * 256 / 1e12},
      {"tpu-v6e-pod", "calibrates TPU ICI efficiency 0.95",
       BusBandwidth("tpu-v6e-pod", "", 256, Algorithm::kTorus, big) * 256 / 1e12},
      {"tpu-v4-twisted-4x4x8", "test (no constant: minimal routing, ties split)", TwistedSpeedup(128)},
      {"tpu-v4-twisted-4x8x8", "test (no constant: minimal routing, ties split)", TwistedSpeedup(256)},
  };
  std::printf("%-20s %10s %10s %8s  %s\n", "case", "published", "model", "error", "role");
  for (const Row& row : rows) {
    ASSERT_TRUE(published.count(row.id)) << row.id;
    const double want = published.at(row.id);
    const double error = row.model / want - 1;
    std::printf("%-20s %10.2f %10.2f %+7.1f%%  %s\n", row.id, want, row.model, 100 * error, row.role);
    EXPECT_LT(std::abs(error), 0.10) << row.id;
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
