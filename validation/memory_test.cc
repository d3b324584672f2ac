// The memory model against published per-device memory figures (validation/memory.csv, issue 9 item 2): ZeRO's
// model-state table, Megatron Core's distributed-optimizer bytes per parameter, and Korthikanti et al.'s
// activation memory per transformer layer. Each row runs through the estimator's own memory functions
// (DeviceMemory, LayerActivationBytes) and must come within 10% of the published figure; the test prints the
// table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "fleetsim/catalog/catalog.h"
#include "fleetsim/validate/csv_table.h"
#include "fleetsim/workload/memory.h"
#include "fleetsim/workload/model_math.h"

namespace fleetsim {
namespace {

constexpr double kTolerance = 0.10;

CsvTable ReadMemoryCases() {
  const std::string path = std::string(FLEETSIM_SOURCE_DIR) + "/validation/memory.csv";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return CsvTable::Parse(text.str(), path);
}

struct Row {
  const CsvTable& table;
  const CsvRow& row;
  std::string operator[](std::string_view column) const {
    const int i = table.Column(column);
    EXPECT_GE(i, 0) << "memory.csv has no column " << column;
    return i < 0 ? std::string() : row.cells[static_cast<size_t>(i)];
  }
  double Number(std::string_view column, double fallback = 0) const {
    const std::string v = (*this)[column];
    return v.empty() ? fallback : std::stod(v);
  }
};

// The figure the row's metric names, predicted by the memory model.
double Predict(const Row& r) {
  const ModelSpec* model = Catalog::BuiltIn().FindModel(r["model"]);
  EXPECT_NE(model, nullptr) << r["model"];
  if (model == nullptr) return 0;
  const ParamCounts params = CountParams(*model);
  Plan plan;
  plan.tp = static_cast<int>(r.Number("tp", 1));
  plan.dp = static_cast<int>(r.Number("dp", 1));
  plan.zero = static_cast<int>(r.Number("zero"));
  plan.sequence_parallel = r["sequence_parallel"] == "true";
  plan.micro_batch = static_cast<int>(r.Number("micro_batch", 1));
  const std::string recompute = r["recompute"];
  plan.recompute = recompute == "full"        ? Recompute::kFull
                   : recompute == "selective" ? Recompute::kSelective
                                              : Recompute::kNone;
  StackSpec stack;
  stack.gradient_bytes = r["gradients"] == "fp32" ? 4.0 : 2.0;
  stack.fused_attention = r["fused_attention"] == "true";
  const int64_t seq_len = static_cast<int64_t>(r.Number("seq_len", 2048));
  const std::string metric = r["metric"];
  if (metric == "activation_bytes_per_layer") {
    return LayerActivationBytes(*model, plan, seq_len, Precision::kBf16, stack).value();
  }
  // Model states: weights, gradients and optimizer state per parameter the device holds (one micro-batch, so
  // nothing is accumulated), scaled to the source's parameter count.
  const MemoryBreakdown mem = DeviceMemory(*model, params, plan, seq_len, 1, Precision::kBf16, stack);
  const DeviceParams device = DeviceStageParams(*model, params, plan);
  const double per_param =
      (mem.weights.value() + mem.gradients.value() + mem.optimizer.value()) / (device.dense + device.expert);
  if (metric == "model_state_bytes_per_param") return per_param;
  EXPECT_EQ(metric, "model_state_gb");
  // ZeRO-3 gathers one layer at a time on top of the shards; ZeRO's table counts the shards alone.
  const double gathered =
      plan.zero >= 3 ? 2.0 * 2.0 * params.LayerParams(0, 1) / plan.tp / (device.dense + device.expert) : 0.0;
  return (per_param - gathered) * r.Number("params") / 1e9;
}

TEST(MemoryValidation, PublishedFiguresWithinTenPercent) {
  const CsvTable table = ReadMemoryCases();
  ASSERT_GE(table.rows.size(), 15u);
  std::printf("%-28s %-28s %12s %12s %8s\n", "case", "metric", "published", "fleetsim", "error");
  double worst = 0;
  for (const CsvRow& row : table.rows) {
    const Row r{table, row};
    const double published = r.Number("value");
    const double predicted = Predict(r);
    const double error = predicted / published - 1.0;
    worst = std::max(worst, std::abs(error));
    std::printf("%-28s %-28s %12.4g %12.4g %+7.1f%%\n", r["case"].c_str(), r["metric"].c_str(), published,
                predicted, 100.0 * error);
    EXPECT_LE(std::abs(error), kTolerance) << r["case"] << " (" << r["source"] << ")";
  }
  std::printf("%zu published memory figures; worst |error| %.1f%%\n", table.rows.size(), 100.0 * worst);
}

}  // namespace
}  // namespace fleetsim
