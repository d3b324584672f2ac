// Check rows nobody fitted: TensorRT-LLM 1.0's published throughput tables (NVIDIA/TensorRT-LLM
// docs/source/performance/perf-overview.md @00f37686, "Total Output Throughput (tokens/sec)", trtllm-bench with
// the PyTorch backend, uniform synthetic requests of the stated lengths, the stated request counts, maximum load).
// Nine of these 80 cells are also rows of validation/inference.csv (Llama 3.3 70B 128/2048, 1000/1000 and 2048/128
// on B200 and H200 and 20000/2000 on H200; Llama 3.1 8B 128/128 on H100, whose host time the trtllm-pytorch stack
// was fitted on, and on H200); the other 71 are read here only.
// Measured: median |error| 7.2%, worst 34.9% (80 cells). By table: Llama 3.3 70B on B200 tp1 fp4 -2% .. +19%
// (median 8%), on H200 tp1 -12% .. +6% (6%), on H100 tp2 -8% .. +8% (2%); Llama 3.1 8B on H200 -19% .. +7%
// (7%), on H100 -22% .. 0% (15%); Llama 3.1 405B on B200 tp4 +2% .. +35% (11%), on H200 tp8 -12% .. +6% (6%), on
// H100 tp8 -15% .. +14% (7%). Before the GPUs took the memory they report (81,559 MiB on H100, not 80e9 B):
// 10.0% / 34.4%; before HBM streamed at the measured fractions (H100 0.887, H200 0.865 instead of 0.80): 8.2% /
// 37.9%; before B200's HBM took the 7.67 TB/s its bus gives (not 8): 7.7% / 36.2%. Blackwell fp4 decode comes out
// fast and Hopper's long prompts slow: the bounds below are the present accuracy with a margin.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "fleetsim/scenario/scenario.h"
#include "fleetsim/serve/serve_run.h"
#include "fleetsim/validate/validation_report.h"

namespace fleetsim {
namespace {

struct Table {
  const char* model;
  const char* accelerator;
  int tp;
  const char* precision;
  std::vector<double> tokens_per_s;  // in the order of kLengths
};

struct Lengths {
  int input;
  int output;
  int requests;  // the document's $num_requests for these lengths
};

constexpr Lengths kLengths[] = {{128, 128, 30000},  {128, 2048, 3000},  {128, 4096, 1500}, {500, 2000, 3000},
                                {1000, 1000, 3000}, {1000, 2000, 1500}, {2048, 128, 3000}, {2048, 2048, 1500},
                                {5000, 500, 1500},  {20000, 2000, 1000}};

constexpr double kMaxMedian = 0.12;
constexpr double kMaxWorst = 0.40;

TEST(TrtllmPerfOverview, PublishedThroughputTables) {
  // Llama 3.3 70B and Llama 3.1 8B/405B share the catalog's llama3-70b, llama3-8b and llama3-405b shapes.
  const std::vector<Table> tables = {
      {"llama3-70b", "b200", 1, "fp4", {11147, 9922, 6831, 7762, 7007, 6271, 1339, 4783, 1459, 665}},
      {"llama3-70b", "h200", 1, "fp8", {3803, 4336, 2872, 3666, 2909, 2994, 442, 2003, 566, 283}},
      {"llama3-70b", "h100", 2, "fp8", {6378, 6651, 4199, 5222, 4205, 4146, 762, 3082, 898, 437}},
      {"llama3-8b", "h200", 1, "fp8", {27911, 26221, 18027, 20770, 17744, 16828, 3538, 12194, 3902, 1804}},
      {"llama3-8b", "h100", 1, "fp8", {28312, 22714, 14325, 17660, 15220, 13899, 3450, 9305, 3459, 1351}},
      {"llama3-405b", "b200", 4, "fp4", {6281, 8020, 6345, 6244, 5209, 4933, 749, 4212, 1048, 672}},
      {"llama3-405b", "h200", 8, "fp8", {3814, 5348, 4741, 4724, 3330, 3722, 456, 2948, 650, 505}},
      {"llama3-405b", "h100", 8, "fp8", {3627, 4340, 3116, 3994, 2919, 2895, 453, 2296, 610, 345}},
  };
  std::vector<double> errors;
  std::string report;
  for (const Table& t : tables) {
    for (size_t i = 0; i < std::size(kLengths); ++i) {
      const Lengths& l = kLengths[i];
      const std::string yaml = fmt::format(
          "cluster: {{accelerator: {}, count: {}}}\nmodel: {}\n"
          "serving: {{precision: {}, replica: {{tp: {}}}, stack: trtllm-pytorch}}\n"
          "workload: {{input_tokens: {}, output_tokens: {}, requests: {}, arrival: offline}}\n",
          t.accelerator, t.tp, t.model, t.precision, t.tp, l.input, l.output, l.requests);
      const ServeResult r = EvaluateServing(Scenario::Parse(yaml, "perf-overview.yaml"));
      const double error = r.metrics.output_tokens_per_s / t.tokens_per_s[i] - 1.0;
      errors.push_back(error);
      report += fmt::format("{:<12} {:<5} tp{} {:>5}/{:<5} published {:>6.0f} predicted {:>6.0f} {:+6.1f}%\n",
                            t.model, t.accelerator, t.tp, l.input, l.output, t.tokens_per_s[i],
                            r.metrics.output_tokens_per_s, error * 100);
    }
  }
  const ErrorSummary summary = SummarizeErrors(errors);
  std::cout << report
            << fmt::format("{} cells: median |error| {:.1f}%, worst {:.1f}%\n", summary.rows,
                           summary.median_abs * 100, summary.worst_abs * 100);
  EXPECT_EQ(summary.rows, 80);
  EXPECT_LT(summary.median_abs, kMaxMedian);
  EXPECT_LT(summary.worst_abs, kMaxWorst);
}

}  // namespace
}  // namespace fleetsim
